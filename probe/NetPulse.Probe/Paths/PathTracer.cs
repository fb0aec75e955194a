using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Paths;

/// <summary>Takes one path snapshot to a target: the raw-socket <see cref="PathProber"/> in the probe, a fake in tests.</summary>
internal interface IPathTracer
{
    /// <exception cref="PathTraceException">The snapshot cannot be taken (the host does not resolve, no raw socket); the message says why.</exception>
    Task<PathSnapshot> TraceAsync(ProbeTarget target, CancellationToken cancellationToken);
}

/// <summary>Why a path snapshot could not be taken at all, in words for one log line.</summary>
internal sealed class PathTraceException : Exception
{
    public PathTraceException()
    {
    }

    public PathTraceException(string message)
        : base(message)
    {
    }

    public PathTraceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Resolves the target's host as the ping engine does and traces the path with <see cref="PathProber"/>.</summary>
internal sealed class RawPathTracer(PathProber prober, TargetResolver resolver, PathProbeOptions options) : IPathTracer
{
    public PathProbeOptions Options => options;

    public async Task<PathSnapshot> TraceAsync(ProbeTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var resolution = await resolver.ResolveAsync(target.Host, cancellationToken);
        if (resolution.Address is not { } address)
        {
            throw new PathTraceException($"its host {target.Host} does not resolve ({resolution.Error})");
        }

        try
        {
            return await prober.TraceAsync(target.Name, address, options, cancellationToken);
        }
        catch (IcmpUnavailableException e)
        {
            throw new PathTraceException(e.Message, e);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new PathTraceException($"the raw socket failed ({e.SocketErrorCode}: {e.Message})", e);
        }
    }
}
