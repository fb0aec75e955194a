using System.Threading.Channels;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Batching;

/// <summary>
/// The hand-off between the ICMP engine, which writes one <see cref="PingSample"/> per round, and the
/// <see cref="Batcher"/>, its only reader. Register it once as a singleton and give the engine
/// <see cref="Writer"/>.
/// </summary>
/// <remarks>
/// Bounded so that a stalled batcher cannot eat the machine's memory: the default holds about a minute
/// of samples for 1,000 targets at 1 Hz (a few MB). When it is full, <c>TryWrite</c> returns false;
/// the engine must use <c>TryWrite</c> (never block its schedule on <c>WriteAsync</c>) and count and log
/// what it could not hand over. At shutdown the batcher completes the channel and drains it, so the
/// engine should stop first (register the batcher before the engine: the host stops services in
/// reverse order) and expect <c>TryWrite</c> to fail after completion.
/// </remarks>
public sealed class SampleChannel
{
    public const int DefaultCapacity = 65_536;

    private readonly Channel<PingSample> _channel;

    public SampleChannel(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _channel = Channel.CreateBounded<PingSample>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public ChannelWriter<PingSample> Writer => _channel.Writer;

    public ChannelReader<PingSample> Reader => _channel.Reader;
}
