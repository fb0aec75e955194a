using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Monitoring.Tests.Api.SignIn;

/// <summary>
/// An endpoint under /api mapped around <see cref="NetPulseApi.MapNetPulseApi"/> has no entry of the route table, so
/// nobody decided who may call it: the sign-in middleware refuses it, even with sign-in open, instead of serving it.
/// </summary>
public sealed class UnguardedEndpointTests
{
    [Theory]
    [InlineData(SignInMode.Open)]
    [InlineData(SignInMode.Required)]
    public async Task An_api_endpoint_missing_from_the_route_table_is_refused_and_others_pass(SignInMode mode)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SignInOptions>().Configure(o =>
        {
            o.Mode = mode;
            o.TenantId = "4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11";
            o.ApiClientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
            o.Authority = "http://127.0.0.1:9/4f2c3c1e-9d0b-4a53-8d7e-2b1b8c0f1a11/v2.0";
        });
        builder.Services.AddSingleton<ApiGate>();
        await using var app = builder.Build();
        app.UseRouting();
        app.UseNetPulseSignIn();
        app.MapGroup("/" + NetPulseApi.RoutePrefix).MapPost("probes", () => "registered");
        app.MapGet("/elsewhere", () => "not the api");
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var unguarded = await http.PostAsync(new Uri("/api/probes", UriKind.Relative), null);
        using var elsewhere = await http.GetAsync(new Uri("/elsewhere", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, unguarded.StatusCode);
        Assert.Equal("application/problem+json", unguarded.Content.Headers.ContentType?.MediaType);
        Assert.Contains("POST /api/probes is not in NetPulseApi.Routes", await unguarded.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        await app.StopAsync();
    }
}
