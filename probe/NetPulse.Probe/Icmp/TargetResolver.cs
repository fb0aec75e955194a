using System.Net;
using System.Net.Sockets;

namespace NetPulse.Probe.Icmp;

/// <summary>What became of resolving a target's host: an address, or why there is none.</summary>
public readonly record struct TargetResolution(IPAddress? Address, string? Error)
{
    public bool Succeeded => Address is not null;
}

/// <summary>
/// Turns a target's host (an IP literal or a DNS name) into the one address its requests go to. A failure
/// is a result, never an exception: a name that does not resolve is a fact about the network to report.
/// </summary>
public sealed class TargetResolver
{
    /// <summary>A lookup that takes longer than this counts as failed (the system resolver retries inside it).</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);

    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _lookup;

    public TargetResolver()
        : this(Dns.GetHostAddressesAsync)
    {
    }

    /// <param name="lookup">The DNS lookup; tests pass their own.</param>
    internal TargetResolver(Func<string, CancellationToken, Task<IPAddress[]>> lookup)
    {
        _lookup = lookup;
    }

    /// <summary>True when <paramref name="host"/> is an IP literal: it needs no DNS and never changes.</summary>
    public static bool TryParseLiteral(string host, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (IPAddress.TryParse(host, out var parsed))
        {
            address = Normalize(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    public async Task<TargetResolution> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (TryParseLiteral(host, out var literal))
        {
            return new TargetResolution(literal, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            var addresses = await _lookup(host, timeout.Token);

            // The system resolver already ordered them by preference (RFC 6724, gai.conf): take the first.
            return addresses.Length > 0
                ? new TargetResolution(Normalize(addresses[0]), null)
                : new TargetResolution(null, "the name has no addresses");
        }
        catch (SocketException e)
        {
            return new TargetResolution(null, $"{e.SocketErrorCode}: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new TargetResolution(null, $"no answer within {LookupTimeout.TotalSeconds:0} s");
        }
        catch (ArgumentException e)
        {
            // A host that is not a valid name at all (too long, bad characters) never resolves.
            return new TargetResolution(null, e.Message);
        }
    }

    /// <summary>An IPv4-mapped IPv6 address is pinged over IPv4, where it lives.</summary>
    private static IPAddress Normalize(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
