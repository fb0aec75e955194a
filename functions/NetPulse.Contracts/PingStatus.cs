namespace NetPulse.Contracts;

/// <summary>What became of one echo request. Failures travel on the wire as the negated value.</summary>
public enum PingStatus
{
    Ok = 0,
    /// <summary>No reply within the timeout.</summary>
    Timeout = 1,
    /// <summary>An ICMP destination-unreachable came back.</summary>
    Unreachable = 2,
    /// <summary>An ICMP time-exceeded came back (a routing loop or a TTL too small).</summary>
    TtlExpired = 3,
    /// <summary>The target's DNS name did not resolve, so nothing was sent.</summary>
    ResolveFailed = 4,
    /// <summary>The request could not be sent (no route, socket error).</summary>
    SendFailed = 5,
}
