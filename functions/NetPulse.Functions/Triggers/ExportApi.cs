using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Triggers;

/// <summary>GET /api/export: streamed through the ASP.NET Core integration, a day of rounds at a time.</summary>
public sealed class ExportApi(ExportHandler handler)
{
    [Function("Export")]
    public Task<IResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ExportRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        handler.ExportAsync(request, cancellationToken);
}
