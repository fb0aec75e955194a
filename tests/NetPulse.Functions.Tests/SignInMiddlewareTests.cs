using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Testing.SignIn;

namespace NetPulse.Functions.Tests;

/// <summary>
/// The Functions app's sign-in middleware as Program.cs composes it, with sign-in required and a local token issuer on
/// loopback: it refuses an HTTP function's request without the route's role, with the problem the dev host gives, lets
/// the right one through, and never stands in the way of health or of a queue or timer function.
/// </summary>
public sealed class SignInMiddlewareTests : IAsyncLifetime
{
    private LocalTokenIssuer? _issuer;
    private IHost? _host;

    private LocalTokenIssuer Issuer => _issuer!;

    public async Task InitializeAsync()
    {
        _issuer = await LocalTokenIssuer.StartAsync();
        var settings = SampleSettings.Load();
        foreach (var (key, value) in _issuer.Settings())
        {
            settings[key] = value;
        }

        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNetPulseFunctions();
        builder.Services.RemoveAll<IHostedService>();
        _host = builder.Build();
    }

    public async Task DisposeAsync()
    {
        _host?.Dispose();
        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("Targets", null, StatusCodes.Status401Unauthorized)]
    [InlineData("Export", "", StatusCodes.Status403Forbidden)]
    [InlineData("RebuildReport", ApiRoles.Reader, StatusCodes.Status403Forbidden)]
    [InlineData("TargetHeatmap", null, StatusCodes.Status401Unauthorized)]
    [InlineData("TargetHeatmap", "", StatusCodes.Status403Forbidden)]
    [InlineData("TargetQuality", null, StatusCodes.Status401Unauthorized)]
    [InlineData("TargetQuality", "", StatusCodes.Status403Forbidden)]
    [InlineData("Ranking", null, StatusCodes.Status401Unauthorized)]
    [InlineData("Ranking", "", StatusCodes.Status403Forbidden)]
    public async Task A_request_without_the_routes_role_is_refused_with_a_problem(string function, string? role, int status)
    {
        var token = role is null ? null : Issuer.Issue(role.Length == 0 ? [] : [role]);

        var refusal = await CheckAsync(function, token);

        Assert.NotNull(refusal);
        var context = Context(token);
        await refusal.ExecuteAsync(context);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(status == StatusCodes.Status401Unauthorized, context.Response.Headers.WWWAuthenticate.ToString().StartsWith("Bearer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_token_is_refused_saying_when_it_expired()
    {
        var token = Issuer.Issue([ApiRoles.Admin], expires: DateTimeOffset.UtcNow.AddMinutes(-30));

        var refusal = await CheckAsync("Targets", token);

        var context = Context(token);
        await refusal!.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Contains("expired at", context.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Targets", ApiRoles.Reader)]
    [InlineData("Incidents", ApiRoles.Admin)]
    [InlineData("RebuildReport", ApiRoles.Admin)]
    [InlineData("TargetHeatmap", ApiRoles.Reader)]
    [InlineData("TargetQuality", ApiRoles.Reader)]
    [InlineData("Ranking", ApiRoles.Reader)]
    public async Task A_request_with_the_routes_role_runs_the_function(string function, string role)
    {
        Assert.Null(await CheckAsync(function, Issuer.Issue([role])));
    }

    [Theory]
    [InlineData("Health")]
    [InlineData("OpenApi")]
    [InlineData("IngestBatch")]
    [InlineData("Minute")]
    public async Task Anonymous_routes_and_functions_without_http_run_without_a_token(string function)
    {
        Assert.Null(await CheckAsync(function, token: null));
    }

    private Task<IResult?> CheckAsync(string function, string? token)
    {
        var middleware = ActivatorUtilities.CreateInstance<SignInMiddleware>(_host!.Services);
        return middleware.CheckAsync(function, Context(token), CancellationToken.None);
    }

    private DefaultHttpContext Context(string? token)
    {
        var context = new DefaultHttpContext { RequestServices = _host!.Services };
        context.Request.Method = "GET";
        context.Request.Path = "/api/targets";
        context.Response.Body = new MemoryStream();
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        return context;
    }
}
