using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Monitoring.Api;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Ingestion;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Rollups;
using NetPulse.Monitoring.Storage;
using NetPulse.Monitoring.Tests.Ingestion;
using NetPulse.Testing;

namespace NetPulse.Monitoring.Tests.Api;

[CollectionDefinition(Name)]
public sealed class SharedApiRig : ICollectionFixture<ApiRig>
{
    public const string Name = "api";
}

/// <summary>
/// A fresh Azurite and the monitoring services as the composition root wires them (fake clock, request counter on
/// the table client), seeded the way production fills storage: every batch of <see cref="ApiScenario"/> through
/// <see cref="IngestBatchHandler"/> at its arrival time, then compaction and the watchdog at <see cref="ApiScenario.Now"/>.
/// Shared by the API test classes; they read and never move the clock.
/// </summary>
public sealed class ApiRig : IAsyncLifetime
{
    private Azurite? _azurite;
    private ServiceProvider? _services;
    private string? _mail;

    public FakeTimeProvider Time { get; } = new(ApiScenario.HistoryStart);

    internal RequestCounter Counter { get; } = new();

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("not started");

    public TargetsHandler Targets => Services.GetRequiredService<TargetsHandler>();

    public IncidentsHandler Incidents => Services.GetRequiredService<IncidentsHandler>();

    public ExportHandler Export => Services.GetRequiredService<ExportHandler>();

    public ReportsHandler Reports => Services.GetRequiredService<ReportsHandler>();

    public static string Id(string probeId, string target) => TargetIds.Format(probeId, target);

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _mail = Directory.CreateTempSubdirectory("netpulse-api-mail-").FullName;
        var prefix = "api" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = _azurite.ConnectionString,
                ["NetPulse:Storage:TablePrefix"] = prefix,
                ["NetPulse:Storage:AlertQueueName"] = "alerts-" + prefix,
                ["NetPulse:TimeZone"] = "UTC",
                ["NetPulse:Smtp:From"] = "NetPulse <netpulse@example.org>",
                ["NetPulse:Smtp:To"] = "ops@example.org",
                ["NetPulse:Smtp:PickupFolder"] = _mail,

                // Compaction's first run reaches back to the history, as a month of runs every five minutes would have.
                ["NetPulse:Compaction:FirstRunLookback"] = "31.00:00:00",
                ["NetPulse:Compaction:MaxHoursPerRun"] = "744",
            })
            .Build();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(Counter, HttpPipelinePosition.PerCall);
        _services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(new TableServiceClient(_azurite.ConnectionString, tableOptions))
            .AddSingleton(new QueueServiceClient(_azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }))
            .AddNetPulseMonitoring(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = Services.GetRequiredService<IOptions<StorageOptions>>().Value;

        var ingest = Services.GetRequiredService<IngestBatchHandler>();
        using var probes = new TestProbes(_azurite.ConnectionString, prefix);
        var message = 0;
        foreach (var (arrivesAt, batch) in ApiScenario.Batches())
        {
            Time.SetUtcNow(arrivesAt);
            await ingest.HandleAsync(await probes.SignAsync(batch), "m" + message++, 1, CancellationToken.None);
        }

        Time.SetUtcNow(ApiScenario.Now);
        await Services.GetRequiredService<CompactionHandler>().RunAsync(CancellationToken.None);
        await Services.GetRequiredService<WatchdogHandler>().RunAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_mail is not null)
        {
            Directory.Delete(_mail, recursive: true);
        }
    }
}

/// <summary>A handler's answer as a client sees it: status, content type, body.</summary>
internal sealed record Answer(int Status, string? ContentType, byte[] Body, IDictionary<string, string> Headers)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>Calls a handler on a bare <see cref="DefaultHttpContext"/> with <paramref name="query"/> ("?a=b") and runs its result into <paramref name="body"/>.</summary>
    public static async Task<Answer> Of(Func<HttpRequest, Task<IResult>> handler, string query = "", string method = "GET", Stream? body = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.QueryString = new QueryString(query);
        var buffer = body ?? new MemoryStream();
        http.Response.Body = buffer;
        var result = await handler(http.Request);
        await result.ExecuteAsync(http);
        return new Answer(
            http.Response.StatusCode,
            http.Response.ContentType,
            buffer is MemoryStream memory ? memory.ToArray() : [],
            http.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/> naming <paramref name="parameter"/>; returns its detail.</summary>
    public string AssertProblem(int status, string parameter)
    {
        Assert.Equal(status, Status);
        Assert.StartsWith("application/problem+json", ContentType, StringComparison.Ordinal);
        var json = Json;
        Assert.Equal(status, json.GetProperty("status").GetInt32());
        Assert.Equal(parameter, json.GetProperty("parameter").GetString());
        Assert.Equal(status == 404 ? "urn:netpulse:problem:not-found" : "urn:netpulse:problem:bad-parameter", json.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("title").GetString()));
        return json.GetProperty("detail").GetString()!;
    }
}
