using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using NetPulse.Monitoring.Api;

namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// The HTTP API as the dev host serves it: without function keys, and with ASP.NET Core CORS allowing the origins
/// of "NetPulse:Api:AllowedOrigins" (in Azure the Function App's CORS setting does that, before the worker).
/// </summary>
public static class DevelopmentApi
{
    /// <summary>The request headers a dashboard page may send: the function key, and a content type for POST.</summary>
    private static readonly string[] AllowedHeaders = ["x-functions-key", "content-type"];

    /// <summary>Registers the CORS policy; call with <see cref="MapNetPulseApiWithoutKeys"/>.</summary>
    public static IServiceCollection AddNetPulseApiCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. api.Value.Origins])
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders(AllowedHeaders)
            .WithExposedHeaders("Content-Disposition")));
        return services;
    }

    /// <summary>Problem bodies for the host's own errors, CORS, then the API's routes; says in the log, once started, that nothing checks keys here.</summary>
    public static WebApplication MapNetPulseApiWithoutKeys(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseNetPulseApiProblems();
        app.UseCors();
        app.MapNetPulseApi();
        var origins = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.Origins;
        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
            "The HTTP API at {Urls} (under /{Prefix}) answers WITHOUT function keys: the dev host is for local development only. Browsers may call it from {Origins} ({Setting})",
            string.Join(", ", app.Urls), NetPulseApi.RoutePrefix, origins.Count == 0 ? "no origin" : string.Join(", ", origins), $"{ApiOptions.Section}:AllowedOrigins"));
        return app;
    }
}
