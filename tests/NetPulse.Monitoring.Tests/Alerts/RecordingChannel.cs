using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using NetPulse.Monitoring.Alerts.Channels;

namespace NetPulse.Monitoring.Tests.Alerts;

/// <summary>
/// A channel type ("recording") that accepts every notice and keeps it: for rigs that test what is raised, not how it
/// is sent (ingestion, the watchdog). Real delivery is tested with real SMTP servers.
/// </summary>
internal sealed class RecordingChannelFactory : IAlertChannelFactory
{
    public const string TypeName = "recording";

    public ConcurrentQueue<AlertNotice> Delivered { get; } = new();

    public string Type => TypeName;

    public IReadOnlyList<string> Validate(string name, IConfigurationSection section) => [];

    public IAlertChannel Create(string name, IConfigurationSection section, IServiceProvider services) => new Channel(name, this);

    private sealed class Channel(string name, RecordingChannelFactory factory) : IAlertChannel
    {
        public string Name => name;

        public string Type => TypeName;

        public Task DeliverAsync(AlertNotice notice, CancellationToken cancellationToken)
        {
            factory.Delivered.Enqueue(notice);
            return Task.CompletedTask;
        }
    }
}
