using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NetPulse.Testing.SignIn;

namespace NetPulse.Testing.DevHost;

/// <summary>
/// The dev host with sign-in required, against a local token issuer on loopback: the class fixture of every test of
/// who may call what. A derived fixture adds its settings in <see cref="Configure"/>.
/// </summary>
public class SignedInDevHost : IAsyncLifetime
{
    private DevHostFixture? _devHost;
    private LocalTokenIssuer? _issuer;

    public LocalTokenIssuer Issuer => _issuer ?? throw new InvalidOperationException("not started");

    public DevHostFixture DevHost => _devHost ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _issuer = await LocalTokenIssuer.StartAsync();
        var settings = _issuer.Settings();
        Configure(settings);
        _devHost = await DevHostFixture.StartAsync(settings, log: null);
    }

    public virtual async Task DisposeAsync()
    {
        if (_devHost is not null)
        {
            await _devHost.DisposeAsync();
        }

        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }
    }

    /// <summary>A request to the dev host, with the token as bearer when there is one and the body as JSON when there is one.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, string? body = null, string? origin = null)
    {
        using var http = new HttpClient { BaseAddress = DevHost.BaseAddress };
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await http.SendAsync(request);
    }

    /// <summary>
    /// The problem the response is, after checking its status, its media type and the status it names: every
    /// refusal of the gate and every handler error is problem+json, so a test of either reads it the same way.
    /// </summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}, not {(int)status}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        return problem.RootElement.Clone();
    }

    /// <summary>Settings beyond the issuer's, before the dev host starts.</summary>
    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }
}
