using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Icmp;

/// <summary>The address one target's requests go to, with what the send path needs computed once.</summary>
internal sealed class TargetAddress
{
    public TargetAddress(IPAddress address)
    {
        Address = address;
        Key = IcmpAddress.From(address);
        IsIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        SocketAddress = new IPEndPoint(address, 0).Serialize();
    }

    public IPAddress Address { get; }

    public IcmpAddress Key { get; }

    public bool IsIPv6 { get; }

    /// <summary>The native sockaddr for <c>SendTo</c>, so sending allocates nothing. Only the scheduling thread uses it.</summary>
    public SocketAddress SocketAddress { get; }
}

/// <summary>
/// Every target's current address, resolved off the scheduling thread and handed over by swapping one
/// immutable <see cref="TargetAddress"/> reference per target. IP literals are fixed at construction; DNS
/// names are resolved at start and again every refresh interval, and names that have never resolved are
/// retried sooner. A name that stops resolving keeps its last address: the link to the DNS server is often
/// the link being watched, and reporting that outage as "resolve failed" would hide the loss it causes.
/// </summary>
internal sealed class TargetAddressBook
{
    /// <summary>How soon a name that has never resolved is tried again (or the refresh interval, if shorter).</summary>
    public static readonly TimeSpan UnresolvedRetryInterval = TimeSpan.FromSeconds(30);

    private const int MaxParallelLookups = 8;

    private readonly TargetAddress?[] _addresses;
    private readonly HostName[] _names;
    private readonly TargetResolver _resolver;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TargetAddressBook(
        IReadOnlyList<ProbeTarget> targets,
        TargetResolver resolver,
        TimeSpan refreshInterval,
        TimeProvider timeProvider,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _resolver = resolver;
        _refreshInterval = refreshInterval > TimeSpan.Zero ? refreshInterval : TimeSpan.FromMinutes(5);
        _timeProvider = timeProvider;
        _logger = logger;
        _addresses = new TargetAddress?[targets.Count];

        var slotsByName = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var slot = 0; slot < targets.Count; slot++)
        {
            var host = targets[slot].Host;
            if (TargetResolver.TryParseLiteral(host, out var literal))
            {
                _addresses[slot] = new TargetAddress(literal);
            }
            else
            {
                if (!slotsByName.TryGetValue(host, out var slots))
                {
                    slotsByName[host] = slots = [];
                }

                slots.Add(slot);
            }
        }

        _names = [.. slotsByName.Select(pair => new HostName(pair.Key, [.. pair.Value]))];
        if (_names.Length == 0)
        {
            _firstPass.TrySetResult();
        }
    }

    public int Count => _addresses.Length;

    /// <summary>How often the book looks for names that are due.</summary>
    private TimeSpan CheckInterval => _refreshInterval < UnresolvedRetryInterval ? _refreshInterval : UnresolvedRetryInterval;

    /// <summary>True when some target has or may get an IPv6 address (a literal or any DNS name).</summary>
    public bool MayNeedIPv6 => _names.Length > 0 || Array.Exists(_addresses, a => a is { IsIPv6: true });

    /// <summary>The target's address, or null while its name has not (yet) resolved. Safe from any thread.</summary>
    public TargetAddress? this[int slot] => Volatile.Read(ref _addresses[slot]);

    /// <summary>
    /// Waits until every name has been tried once or <paramref name="limit"/> has passed, whichever is first;
    /// names still pending after that make their rounds ResolveFailed until they resolve.
    /// </summary>
    public async Task WaitForFirstPassAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await _firstPass.Task.WaitAsync(limit, _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Target names are still resolving after {Limit}; pinging the others meanwhile", limit);
        }
    }

    /// <summary>Resolves every name now, then keeps them fresh until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_names.Length == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval, _timeProvider);
        try
        {
            await ResolveDueNamesAsync(cancellationToken);
            _firstPass.TrySetResult();
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await ResolveDueNamesAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _firstPass.TrySetResult();
        }
    }

    /// <summary>One pass: looks up every name whose refresh or retry is due.</summary>
    internal Task ResolveDueNamesAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        // Half a check of slack: a lookup finishes a little after its check, and without the slack a name
        // would wait one check longer than its interval.
        var slack = CheckInterval / 2;
        var due = Array.FindAll(_names, name => name.IsDue(now + slack, _refreshInterval, UnresolvedRetryInterval));
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxParallelLookups, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(due, options, async (name, token) =>
        {
            var result = await _resolver.ResolveAsync(name.Host, token);
            Apply(name, result, _timeProvider.GetUtcNow());
        });
    }

    private void Apply(HostName name, TargetResolution result, DateTimeOffset now)
    {
        name.LastAttempt = now;
        if (result.Address is not { } address)
        {
            if (name.Current is null)
            {
                if (name.Failing)
                {
                    _logger.LogDebug("Target host {Host} still does not resolve: {Error}", name.Host, result.Error);
                }
                else
                {
                    _logger.LogWarning(
                        "Target host {Host} does not resolve ({Error}); its rounds are ResolveFailed until it does",
                        name.Host,
                        result.Error);
                }
            }
            else if (!name.Failing)
            {
                _logger.LogWarning(
                    "Target host {Host} did not resolve again ({Error}); still pinging {Address}",
                    name.Host,
                    result.Error,
                    name.Current.Address);
            }

            name.Failing = true;
            return;
        }

        name.Failing = false;
        name.LastSuccess = now;
        if (name.Current is { } current && current.Address.Equals(address))
        {
            return;
        }

        if (name.Current is null)
        {
            _logger.LogInformation("Target host {Host} resolves to {Address}", name.Host, address);
        }
        else
        {
            _logger.LogInformation("Target host {Host} now resolves to {Address} (was {Previous})", name.Host, address, name.Current.Address);
        }

        var resolved = new TargetAddress(address);
        name.Current = resolved;
        foreach (var slot in name.Slots)
        {
            Volatile.Write(ref _addresses[slot], resolved);
        }
    }

    /// <summary>One distinct DNS name and the targets that use it. Touched by one lookup at a time.</summary>
    private sealed class HostName(string host, int[] slots)
    {
        public string Host { get; } = host;

        public int[] Slots { get; } = slots;

        public TargetAddress? Current { get; set; }

        public bool Failing { get; set; }

        public DateTimeOffset? LastAttempt { get; set; }

        public DateTimeOffset? LastSuccess { get; set; }

        public bool IsDue(DateTimeOffset now, TimeSpan refresh, TimeSpan retry)
        {
            if (LastAttempt is not { } attempted)
            {
                return true;
            }

            if (Current is null)
            {
                return now - attempted >= retry;
            }

            // A known address is refreshed on the refresh interval; after a failed refresh, retried like a new name.
            return Failing ? now - attempted >= retry : now - LastSuccess!.Value >= refresh;
        }
    }
}
