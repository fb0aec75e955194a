using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetPulse.Monitoring;

namespace NetPulse.Functions;

/// <summary>Everything Program.cs configures, in one method the composition test calls too.</summary>
public static class FunctionsComposition
{
    public static FunctionsApplicationBuilder AddNetPulseFunctions(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddNetPulseMonitoring(builder.Configuration);

        // Who may call each HTTP function, from NetPulseApi.Routes; a function missing there throws here, before the app starts.
        builder.Services.AddSingleton(new HttpFunctionAccess(typeof(FunctionsComposition).Assembly));
        // Outermost, so a failure anywhere inside (the sign-in check too) still answers problem+json.
        builder.UseMiddleware<ApiFailureMiddleware>();
        builder.UseMiddleware<SignInMiddleware>();
        builder.Services.AddHostedService<SignInAnnouncement>();

        // The Azure SDK warns about every slow storage response under load; errors are what matter.
        builder.Logging.AddFilter("Azure.Core", LogLevel.Error);
        return builder;
    }
}
