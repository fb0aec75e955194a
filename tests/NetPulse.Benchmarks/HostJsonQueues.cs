using System.Globalization;
using System.Text.Json;
using NetPulse.Testing;

namespace NetPulse.Benchmarks;

/// <summary>The queue settings of the Functions app's host.json, the one file both hosts read them from.</summary>
internal sealed record HostJsonQueues(int BatchSize, int NewBatchThreshold, TimeSpan MaxPollingInterval)
{
    public static string Path => RepositoryPaths.Combine("functions", "NetPulse.Functions", "host.json");

    /// <summary>
    /// Messages one instance's queue listener runs at once: it fetches <see cref="BatchSize"/> and fetches again
    /// when no more than <see cref="NewBatchThreshold"/> are still running.
    /// </summary>
    public int ConcurrencyPerInstance => BatchSize + NewBatchThreshold;

    public static HostJsonQueues Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path));
        var queues = document.RootElement.GetProperty("extensions").GetProperty("queues");
        return new HostJsonQueues(
            queues.GetProperty("batchSize").GetInt32(),
            queues.GetProperty("newBatchThreshold").GetInt32(),
            TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, CultureInfo.InvariantCulture));
    }
}
