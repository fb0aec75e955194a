using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPulse.Contracts;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Sending;

namespace NetPulse.Probe.Cli;

/// <summary>
/// <c>enroll</c>: makes the probe's key pair (or keeps the one it has), prints what the backend must register, and
/// with <c>--register</c> registers it through the API. Run it again at will: it never replaces a key.
/// </summary>
internal static class EnrollCommand
{
    /// <summary>Where the bearer token comes from when <c>--token</c> is not given (a token on a command line shows in ps).</summary>
    public const string TokenVariable = "NETPULSE_API_TOKEN";

    public static Command Build(TextWriter output, TextWriter error)
    {
        var register = new Option<string?>("--register")
        {
            Description = "The API's base URL (e.g. https://<app>.azurewebsites.net/api): register the public key there with POST /probes.",
        };
        var token = new Option<string?>("--token")
        {
            Description = $"Bearer token for the API when it requires sign-in (an Admin); default: the {TokenVariable} environment variable.",
        };
        var replace = new Option<bool>("--replace") { Description = "With --register: replace the key the backend has for this probe." };
        var command = new Command("enroll", "Make this probe's signing key (kept if it exists), print it, and optionally register it with the API.")
        {
            register,
            token,
            replace,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => ConfigurationErrors.GuardAsync(error, async () =>
        {
            using var host = ProbeHost.CreateBuilder(result.UnmatchedTokens.ToArray()).Build();
            var options = ProbeHost.ValidatedOptions(host.Services);
            using var key = ProbeKeyFile.LoadOrCreate(options.Spool.Path, out var created);
            var publicKey = Convert.ToBase64String(ProbeKeys.PublicKey(key));
            // The key and the id belong together: settle the id (configured, kept, or generated now) as run does.
            var probeId = ProbeIdFile.ResolveOrCreate(options.Id, options.Spool.Path, Environment.MachineName).Id;
            output.WriteLine($"probe:      {probeId}");
            output.WriteLine($"key file:   {ProbeKeyFile.PathIn(options.Spool.Path)} ({(created ? "new" : "kept: it existed")})");
            output.WriteLine($"key id:     {ProbeKeys.KeyId(ProbeKeys.PublicKey(key))}");
            output.WriteLine($"public key: {publicKey}");

            if (result.GetValue(register) is not { } apiBaseText)
            {
                output.WriteLine();
                output.WriteLine("The backend accepts this probe's batches once the public key is registered (as an API admin):");
                output.WriteLine($"  netpulse-probe enroll --register https://<functionApp>.azurewebsites.net/api   (token from --token or {TokenVariable})");
                output.WriteLine("or");
                output.WriteLine($"  curl -X POST https://<functionApp>.azurewebsites.net/api/probes -H 'Content-Type: application/json' -d '{{\"id\":\"{probeId}\",\"publicKey\":\"{publicKey}\"}}'");
                return 0;
            }

            if (!Uri.TryCreate(apiBaseText, UriKind.Absolute, out var apiBase) || (apiBase.Scheme != Uri.UriSchemeHttps && apiBase.Scheme != Uri.UriSchemeHttp))
            {
                await error.WriteLineAsync($"enroll: --register '{apiBaseText}' is not the API's base URL, such as https://<functionApp>.azurewebsites.net/api; the key is kept");
                return ConfigurationErrors.ExitCode;
            }

            var bearer = result.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            return await RegisterAsync(apiBase, bearer, probeId, publicKey, result.GetValue(replace), output, error, ct);
        }));
        return command;
    }

    private static async Task<int> RegisterAsync(
        Uri apiBase, string? bearer, string probeId, string publicKey, bool replace, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var url = new Uri(apiBase.AbsoluteUri.TrimEnd('/') + "/probes" + (replace ? "?replace=true" : ""));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = probeId, ["publicKey"] = publicKey }, EnrollJsonContext.Default.DictionaryStringString), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrWhiteSpace(bearer))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Trim());
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                output.WriteLine(response.StatusCode == System.Net.HttpStatusCode.Created
                    ? $"registered with {url.GetLeftPart(UriPartial.Path)}: the backend accepts this probe's batches"
                    : $"already registered with {url.GetLeftPart(UriPartial.Path)} with this key");
                return 0;
            }

            await error.WriteLineAsync($"netpulse-probe: registering with {url} failed: {(int)response.StatusCode} {response.ReasonPhrase}: {Detail(body)}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"netpulse-probe: registering with {url} failed: {ex.Message}; the key is kept, run enroll --register again");
            return 1;
        }
    }

    /// <summary>The problem document's detail, or the body itself.</summary>
    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var detail))
            {
                return detail.GetString() ?? body;
            }
        }
        catch (JsonException)
        {
        }

        return body.Length <= 300 ? body : body[..300] + "…";
    }
}

/// <summary>The registration body as generated serialization code (the published probe is Native AOT: no reflection).</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EnrollJsonContext : JsonSerializerContext;
