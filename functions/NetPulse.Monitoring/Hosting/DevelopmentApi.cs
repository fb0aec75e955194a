using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Monitoring.Hosting;

/// <summary>
/// The HTTP API as the dev host serves it: sign-in checked from <see cref="NetPulseApi.Routes"/> as in the Functions
/// app (open unless "NetPulse:Auth" configures it, see <see cref="OpenByDefault"/>), and ASP.NET Core CORS allowing
/// the origins of "NetPulse:Api:AllowedOrigins" (in Azure the Function App's CORS setting does that, before the worker).
/// </summary>
public static class DevelopmentApi
{
    /// <summary>The request headers a dashboard page may send: its bearer token, a content type for POST, and If-Match for a target's change.</summary>
    private static readonly string[] AllowedHeaders = ["authorization", "content-type", "if-match"];

    /// <summary>
    /// The dev host's sign-in default: Open (it serves a local run on loopback) unless the settings name a mode or a
    /// tenant, so configuring sign-in is enough to turn it on. The Functions app has no such default: it refuses to start.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> OpenByDefault(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var auth = configuration.GetSection(SignInOptions.Section);
        return string.IsNullOrWhiteSpace(auth[nameof(SignInOptions.Mode)]) && string.IsNullOrWhiteSpace(auth[nameof(SignInOptions.TenantId)])
               && string.IsNullOrWhiteSpace(auth[nameof(SignInOptions.ApiClientId)])
            ? [new($"{SignInOptions.Section}:{nameof(SignInOptions.Mode)}", nameof(SignInMode.Open))]
            : [];
    }

    /// <summary>Registers the CORS policy; call with <see cref="MapNetPulseDevelopmentApi"/>.</summary>
    public static IServiceCollection AddNetPulseApiCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<ApiOptions>>((cors, api) => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. api.Value.Origins])
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
            .WithHeaders(AllowedHeaders)
            .WithExposedHeaders("Content-Disposition", "ETag")));
        return services;
    }

    /// <summary>
    /// Problem bodies for the host's own errors, routing, CORS, sign-in, then the API's routes; says in the log, once
    /// started, whether anyone must sign in.
    /// </summary>
    public static WebApplication MapNetPulseDevelopmentApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseNetPulseApiProblems();
        app.UseRouting();
        app.UseCors();
        app.UseNetPulseSignIn();
        app.MapNetPulseApi();
        var origins = app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.Origins;
        var signIn = app.Services.GetRequiredService<IOptions<SignInOptions>>().Value;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var originList = origins.Count == 0 ? "no origin" : string.Join(", ", origins);
            if (signIn.EffectiveMode == SignInMode.Open)
            {
                app.Logger.LogWarning(
                    "The HTTP API at {Urls} (under /{Prefix}) answers WITHOUT sign-in ({Setting}=Open): for local development only. Browsers may call it from {Origins} ({OriginsSetting})",
                    string.Join(", ", app.Urls), NetPulseApi.RoutePrefix, $"{SignInOptions.Section}:Mode", originList, $"{ApiOptions.Section}:AllowedOrigins");
            }
            else
            {
                app.Logger.LogInformation(
                    "The HTTP API at {Urls} (under /{Prefix}) requires sign-in: tokens from {Issuer} for {Audiences}. Browsers may call it from {Origins} ({OriginsSetting})",
                    string.Join(", ", app.Urls), NetPulseApi.RoutePrefix, signIn.Issuer, string.Join(" or ", signIn.Audiences), originList, $"{ApiOptions.Section}:AllowedOrigins");
            }
        });
        return app;
    }
}
