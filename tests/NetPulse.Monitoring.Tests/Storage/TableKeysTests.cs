using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Tests.Storage;

public sealed class TableKeysTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("gw")]
    [InlineData("dns 1/primary#?")]
    [InlineData("back\\slash")]
    [InlineData("pipe|and~tilde")]
    [InlineData("Ünïcødé 名前 🚀")]
    [InlineData("'; DROP TABLE targets; --")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Hostile_target_names_round_trip_through_keys_that_keys_allow(string name)
    {
        var key = TableKeys.TargetKey(name);

        Assert.Equal(name, TableKeys.TargetName(key));
        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' or '|' || char.IsControl(c));
        Assert.True(TableKeys.SampleRow(key, T).Length < 1024);
    }

    [Fact]
    public void Distinct_names_get_distinct_keys()
    {
        var names = new[] { "a", "A", "a ", "b", "ab", "a/b", "a\\b" };
        Assert.Equal(names.Length, names.Select(TableKeys.TargetKey).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Inverted_ticks_sort_newest_first_and_round_trip()
    {
        var times = Enumerable.Range(0, 200).Select(i => T.AddTicks((long)i * i * 7_777_777)).ToList();
        var keys = times.Select(TableKeys.InvertedTicks).ToList();

        Assert.All(keys, k => Assert.Equal(TableKeys.TickDigits, k.Length));
        Assert.Equal(times.OrderByDescending(t => t), keys.Order(StringComparer.Ordinal).Select(k => TableKeys.FromInvertedTicks(k)));
    }

    [Fact]
    public void Batch_rows_sort_by_last_round_newest_first_whatever_the_sequence()
    {
        var rows = new[]
        {
            (Last: T.AddSeconds(9), Sequence: 0L),
            (Last: T.AddSeconds(19), Sequence: 1L),
            (Last: T.AddSeconds(19), Sequence: 12L),
            (Last: T.AddSeconds(29), Sequence: 2L),
            (Last: T.AddSeconds(39), Sequence: 1_000_000_000_000L),
        };

        var sorted = rows.OrderBy(r => TableKeys.BatchRow(r.Last, r.Sequence), StringComparer.Ordinal).ToList();

        Assert.Equal(rows.OrderByDescending(r => r.Last).ThenBy(r => r.Sequence), sorted);
        foreach (var row in rows)
        {
            var key = TableKeys.BatchRow(row.Last, row.Sequence);
            var endingAtOrAfter = TableKeys.BatchRowsEndingAtOrAfter(T.AddSeconds(19));
            Assert.Equal(row.Last >= T.AddSeconds(19), string.CompareOrdinal(key, endingAtOrAfter) <= 0);
            Assert.Equal(row.Last <= T.AddSeconds(19), string.CompareOrdinal(key, TableKeys.BatchRowsEndingAtOrBefore(T.AddSeconds(19))) >= 0);
        }
    }

    [Fact]
    public void Hour_and_month_keys_are_fixed_width_and_sort_in_time_order()
    {
        var hours = Enumerable.Range(0, 24 * 40).Select(h => T.AddHours(h)).ToList();
        var key = TableKeys.TargetKey("gw");

        Assert.Equal(hours, hours.OrderBy(h => TableKeys.RollupRow(key, h), StringComparer.Ordinal));
        Assert.Equal(hours.Where(h => h.Day == 2 && h.Month == 3), hours.Where(h => TableKeys.SamplePartition("p", h) == "p|20260302").OrderBy(h => TableKeys.SampleRow(key, h), StringComparer.Ordinal));
        Assert.Equal("p|202603", TableKeys.RollupPartition("p", T));
        Assert.Equal("dirty|2026030210", TableKeys.DirtyHourRow(T));
        Assert.Equal(T, TableKeys.HourFromDirtyRow(TableKeys.DirtyHourRow(T)));
        Assert.True(string.CompareOrdinal(TableKeys.DirtyHourRow(T), TableKeys.ProbeRow) < 0);
        Assert.True(string.CompareOrdinal(TableKeys.ProbeRow, TableKeys.TargetRow(key)) < 0);
    }

    [Fact]
    public void Incident_ids_are_stable_distinct_and_carry_their_start()
    {
        var id = IncidentIds.Create("home-1", "gw", IncidentType.Down, T.AddSeconds(5));

        Assert.Equal(id, IncidentIds.Create("home-1", "gw", IncidentType.Down, T.AddSeconds(5)));
        Assert.StartsWith("20260302T100005-d-", id, StringComparison.Ordinal);
        Assert.True(IncidentIds.TryParseStart(id, out var start));
        Assert.Equal(T.AddSeconds(5), start);
        Assert.NotEqual(id, IncidentIds.Create("home-1", "gw", IncidentType.Latency, T.AddSeconds(5)));
        Assert.NotEqual(id, IncidentIds.Create("home-2", "gw", IncidentType.Down, T.AddSeconds(5)));
        Assert.NotEqual(id, IncidentIds.Create("home-1", "gw2", IncidentType.Down, T.AddSeconds(5)));
        Assert.False(IncidentIds.TryParseStart("../../etc/passwd", out _));
    }
}
