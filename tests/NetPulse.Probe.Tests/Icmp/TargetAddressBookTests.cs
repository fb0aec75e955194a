using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetPulse.Contracts;
using NetPulse.Probe.Icmp;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Tests.Icmp;

public sealed class TargetAddressBookTests
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentDictionary<string, IPAddress?> _dns = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _lookups = new();

    [Fact]
    public void Literals_need_no_lookup_and_names_are_unresolved_until_looked_up()
    {
        var book = NewBook("127.0.0.1", "::1", "gateway.test");

        Assert.Equal(IPAddress.Loopback, book[0]!.Address);
        Assert.True(book[1]!.IsIPv6);
        Assert.Null(book[2]);
        Assert.Empty(_lookups);
    }

    [Fact]
    public async Task A_name_that_fails_stays_unresolved_and_is_retried_after_thirty_seconds()
    {
        _dns["flaky.test"] = null;
        var book = NewBook("flaky.test");
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Null(book[0]);

        _dns["flaky.test"] = IPAddress.Parse("10.200.9.9");
        _time.Advance(TimeSpan.FromSeconds(10));
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Null(book[0]);
        Assert.Single(_lookups);

        _time.Advance(TimeSpan.FromSeconds(20));
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Equal(IPAddress.Parse("10.200.9.9"), book[0]!.Address);
        Assert.Equal(2, _lookups.Count);
    }

    [Fact]
    public async Task A_resolved_name_is_refreshed_on_the_refresh_interval_and_follows_a_change()
    {
        _dns["server.test"] = IPAddress.Parse("10.200.9.1");
        var book = NewBook("server.test");
        await book.ResolveDueNamesAsync(CancellationToken.None);
        var first = book[0];

        _time.Advance(TimeSpan.FromMinutes(4));
        _dns["server.test"] = IPAddress.Parse("10.200.9.2");
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Same(first, book[0]);

        _time.Advance(TimeSpan.FromMinutes(1));
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Equal(IPAddress.Parse("10.200.9.2"), book[0]!.Address);
        Assert.Equal(2, _lookups.Count);
    }

    [Fact]
    public async Task A_name_that_stops_resolving_keeps_its_last_address()
    {
        _dns["server.test"] = IPAddress.Parse("10.200.9.1");
        var book = NewBook("server.test");
        await book.ResolveDueNamesAsync(CancellationToken.None);

        _dns["server.test"] = null;
        _time.Advance(Refresh);
        await book.ResolveDueNamesAsync(CancellationToken.None);

        Assert.Equal(IPAddress.Parse("10.200.9.1"), book[0]!.Address);

        // Retried like a new name after a failure, not a whole refresh interval later.
        _dns["server.test"] = IPAddress.Parse("10.200.9.3");
        _time.Advance(TimeSpan.FromSeconds(30));
        await book.ResolveDueNamesAsync(CancellationToken.None);
        Assert.Equal(IPAddress.Parse("10.200.9.3"), book[0]!.Address);
    }

    [Fact]
    public async Task Targets_sharing_a_name_share_one_lookup()
    {
        _dns["shared.test"] = IPAddress.Parse("10.200.9.4");
        var book = NewBook("shared.test", "SHARED.test", "127.0.0.1");

        await book.ResolveDueNamesAsync(CancellationToken.None);

        Assert.Single(_lookups);
        Assert.Same(book[0], book[1]);
    }

    [Fact]
    public async Task An_ipv4_mapped_answer_is_pinged_over_ipv4()
    {
        _dns["mapped.test"] = IPAddress.Parse("::ffff:10.200.9.5");
        var book = NewBook("mapped.test");

        await book.ResolveDueNamesAsync(CancellationToken.None);

        Assert.False(book[0]!.IsIPv6);
        Assert.Equal(IPAddress.Parse("10.200.9.5"), book[0]!.Address);
    }

    private TargetAddressBook NewBook(params string[] hosts)
    {
        var targets = hosts.Select((host, index) => new ProbeTarget
        {
            Index = index,
            Settings = new TargetSettings
            {
                Name = $"t{index}",
                Host = host,
                IntervalMs = 1000,
            },
            Timeout = TimeSpan.FromMilliseconds(500),
        }).ToList();
        var resolver = new TargetResolver(LookupAsync);
        return new TargetAddressBook(targets, resolver, Refresh, _time, NullLogger.Instance);
    }

    private Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken)
    {
        _lookups.Enqueue(host);
        return _dns.TryGetValue(host, out var address) && address is not null
            ? Task.FromResult(new[] { address })
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}
