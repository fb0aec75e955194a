using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using NetPulse.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddNetPulseFunctions();
builder.Build().Run();
