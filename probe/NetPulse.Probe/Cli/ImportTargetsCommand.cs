using System.CommandLine;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Sending;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Cli;

/// <summary>
/// <c>import-targets &lt;file&gt; --api &lt;url&gt;</c>: moves a standalone probe to central management in one step. The
/// file's targets are checked with <see cref="TargetListRules"/> (every problem printed, nothing sent), PUT as this
/// probe's managed list (signed with its key), and on success kept as the last good list, with the API recorded in the
/// spool folder's <c>backend</c> file, so the next <c>run</c> fetches its targets from the backend without a setting.
/// </summary>
internal static class ImportTargetsCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("file") { Description = "A targets file: JSON with a \"Targets\" array (or a \"Probe\" section with one), as Probe:TargetsFile takes." };
        var api = new Option<string>("--api")
        {
            Description = "The API's base URL (e.g. https://<functionApp>.azurewebsites.net/api).",
            Required = true,
        };
        var command = new Command("import-targets", "Upload a targets file as this probe's centrally managed list, and make the probe fetch its targets from the backend from now on.")
        {
            file,
            api,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((result, ct) => ConfigurationErrors.GuardAsync(error, async () =>
        {
            var apiText = result.GetValue(api)!;
            if (!Uri.TryCreate(apiText, UriKind.Absolute, out var apiUrl) || ProbeOptionsValidator.DescribeInvalidApiUrl(apiUrl) is not null)
            {
                await error.WriteLineAsync($"import-targets: --api '{apiText}' is not the API's base URL, such as https://<functionApp>.azurewebsites.net/api");
                return ConfigurationErrors.ExitCode;
            }

            using var host = ProbeHost.CreateBuilder(result.UnmatchedTokens.ToArray()).Build();
            var options = ProbeHost.ValidatedOptions(host.Services);
            var path = ProbeHost.ResolvePath(result.GetValue(file)!);
            var targets = ReadTargets(path, options);
            var problems = TargetListRules.Problems(targets).ToList();
            if (problems.Count > 0)
            {
                await error.WriteLineAsync($"import-targets: {path}: the targets are refused, nothing was sent:");
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync(problem.Index is { } i
                        ? $"  Targets:{i} ('{targets[i].Name}') {problem.Field}: {problem.Problem}"
                        : $"  Targets: {problem.Problem}");
                }

                return ConfigurationErrors.ExitCode;
            }

            var probeId = ProbeIdFile.ResolveOrCreate(options.Id, options.Spool.Path, Environment.MachineName).Id;
            using var signer = new BatchSigner(probeId, ProbeKeyFile.Load(options.Spool.Path));
            using var http = new HttpClient { Timeout = ProbePipeline.TargetListTimeout };
            var client = new TargetListClient(http, apiUrl, signer, TimeProvider.System);
            return await ImportAsync(client, apiUrl, options.Spool.Path, new ManagedTargetList { ProbeId = probeId, Version = "", Targets = targets }, output, error, ct);
        }));
        return command;
    }

    /// <summary>The file's targets as a managed list holds them, with the probe's interval where a target sets none.</summary>
    /// <exception cref="ProbeConfigurationException">The file is missing or not JSON.</exception>
    internal static List<ManagedTarget> ReadTargets(string path, ProbeOptions options)
    {
        if (!File.Exists(path))
        {
            throw new ProbeConfigurationException($"{path}: the targets file does not exist");
        }

        IConfigurationRoot file;
        try
        {
            file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException ex)
        {
            throw new ProbeConfigurationException($"{path}: not valid JSON: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var section = file.GetSection("Targets").Exists() ? file.GetSection("Targets") : file.GetSection($"{ProbeOptions.Section}:Targets");
        var targets = section.Get<List<TargetOptions>>() ?? [];
        if (targets.Count == 0)
        {
            throw new ProbeConfigurationException($"{path}: holds no targets (a \"Targets\" array, or \"Probe\": {{ \"Targets\": [...] }})");
        }

        return [.. targets.Select(t => t.ToManaged(options.IntervalSeconds))];
    }

    internal static async Task<int> ImportAsync(
        TargetListClient client, Uri apiUrl, string spool, ManagedTargetList list, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        HttpStatusCode status;
        string body;
        try
        {
            (status, body) = await client.PutAsync(list, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"import-targets: cannot reach {client.ListUrl}: {ex.Message}; nothing changed, the probe still runs its local targets");
            return 1;
        }

        switch (status)
        {
            case HttpStatusCode.Created:
            case HttpStatusCode.OK:
                ManagedTargetList stored;
                try
                {
                    stored = ManagedTargetList.FromJson(System.Text.Encoding.UTF8.GetBytes(body));
                }
                catch (JsonException)
                {
                    stored = list;
                }

                await ManagedTargetFiles.SaveCacheAsync(spool, stored, cancellationToken);
                ManagedTargetFiles.SaveBackend(spool, apiUrl);
                output.WriteLine($"imported {list.Targets.Count} targets as probe '{list.ProbeId}''s managed list{(stored.Version.Length > 0 ? $" (version {stored.Version})" : "")} at {client.ListUrl}");
                output.WriteLine($"the backend is recorded in {ManagedTargetFiles.BackendPath(spool)}: restart the probe and it fetches its targets from {apiUrl} (edit them there from now on; the local targets file is no longer read)");
                return 0;
            case HttpStatusCode.Conflict:
                await error.WriteLineAsync($"import-targets: the backend already manages targets for probe '{list.ProbeId}' (409): nothing changed. Edit them through the API, or make this probe use them with --Probe:Backend:ApiUrl={apiUrl}");
                return 1;
            case HttpStatusCode.BadRequest:
                await error.WriteLineAsync($"import-targets: the backend refused the list (400): {TargetListClient.ProblemDetail(body)}");
                return ConfigurationErrors.ExitCode;
            case HttpStatusCode.Unauthorized:
            case HttpStatusCode.Forbidden:
                await error.WriteLineAsync($"import-targets: the backend refused this probe's signature ({(int)status}): {TargetListClient.ProblemDetail(body)}. Register the probe's key first: netpulse-probe enroll --register {apiUrl}");
                return 1;
            default:
                await error.WriteLineAsync($"import-targets: {client.ListUrl} answered {(int)status}: {TargetListClient.ProblemDetail(body)}; nothing changed");
                return 1;
        }
    }
}
