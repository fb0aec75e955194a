using NetPulse.Monitoring.Incidents;

namespace NetPulse.Monitoring.Tests.Incidents;

/// <summary>
/// The incident rules over scripted rounds, one character a second: '.' a 10 ms reply, 'S' a 300 ms reply,
/// 'X' a timeout, '_' a second with no round (a gap). Expected incidents read "type start opened end closed"
/// in seconds, with "-" for still open.
/// </summary>
public sealed class TargetDetectorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>At defaults after a minute of clean rounds: a run of 5 failed rounds (5 s at 1 s) opens, 2 good rounds resolve.</summary>
    public static TheoryData<string, string, string> DownCases => new()
    {
        { "all good", "..........", "" },
        { "four failures are not an outage", "..XXXX......", "" },
        { "five failures open, two good rounds resolve", "..XXXXX.....", "Down 2 6 7 8" },
        { "still down at the end", "...XXXXXXX", "Down 3 7 - -" },
        { "one good round is not enough", "XXXXX.X.X...", "Down 0 4 9 10" },
        { "flapping: almost resolved then failing again", "XXXXX.XX.XX.X..", "Down 0 4 13 14" },
        { "flapping below the threshold never opens", "XXXX.XXXX.XXXX.XXXX.", "" },
        { "a second outage right after the first needs a longer run: the line just lost rounds", "XXXXX..XXXXXX..XXXXXXXXXXXXXXXX..", "Down 0 4 5 6|Down 15 24 31 32" },
        { "a gap breaks a run of failures", "XXX_XXX.....", "" },
        { "a gap breaks a run of good rounds", "XXXXX._.X....", "Down 0 4 9 10" },
    };

    [Theory]
    [MemberData(nameof(DownCases))]
    public void Down(string because, string script, string expected)
    {
        Assert.Equal(Split(expected), Run(script, new DetectionOptions(), cleanLeadIn: 60).Where(IsDown), StringComparer.Ordinal);
        _ = because;
    }

    [Theory]
    [InlineData("a first round that fails: nothing is known of the line, so the longest run decides", "XXXXXXXXXXXX", "Down 0 9 - -")]
    [InlineData("fifteen rounds of history are fewer than the loss window needs: the line is not known yet", "...............XXXXXXXXXXXX", "Down 15 24 - -")]
    public void Down_without_history_takes_up_to_the_longest_run(string because, string script, string expected)
    {
        Assert.Equal(Split(expected), Run(script, new DetectionOptions()).Where(IsDown), StringComparer.Ordinal);
        _ = because;
    }

    [Theory]
    [InlineData(2000, 3, "Down 0 4 - -")]
    [InlineData(10_000, 3, "Down 0 20 - -")]
    public void Down_on_slower_targets_is_the_count(int intervalMs, int rounds, string expected)
    {
        // 3 rounds at 2 s last 6 s, over the 5 s minimum: the count decides, as before the duration rule.
        var options = new DetectionOptions();
        var detector = new TargetDetector(options, []);
        var time = T0.AddMilliseconds(-60L * intervalMs);
        for (var i = 0; i < 60; i++, time = time.AddMilliseconds(intervalMs))
        {
            detector.Step(new Round(time, 10_000, intervalMs, 150, 5));
        }

        for (var i = 0; i < rounds; i++, time = time.AddMilliseconds(intervalMs))
        {
            detector.Step(new Round(time, -1, intervalMs, 150, 5));
        }

        Assert.Equal(rounds, options.CleanDownRounds(intervalMs));
        var down = Assert.Single(detector.Incidents);
        Assert.Equal(expected, $"Down {Seconds(down.Start)} {Seconds(down.OpenedAt)} - -");
    }

    /// <summary>With no minimum duration and the lossy rule off, the count alone decides: the rule as it was before.</summary>
    [Theory]
    [InlineData(1, 1, "..X.X..", "Down 2 2 3 3|Down 4 4 5 5")]
    [InlineData(4, 3, "XXX...XXXX..X...", "Down 6 9 13 15")]
    [InlineData(4, 3, "XXXX..XXXX...", "Down 0 3 10 12")]
    [InlineData(3, 2, "..XXX.....", "Down 2 4 5 6")]
    public void Down_thresholds_are_exact(int failed, int good, string script, string expected)
    {
        var options = new DetectionOptions { DownAfterFailedRounds = failed, UpAfterGoodRounds = good, DownMinDuration = TimeSpan.Zero, DownRandomRunOdds = 1 };
        Assert.Equal(Split(expected), Run(script, options).Where(IsDown), StringComparer.Ordinal);
    }

    public static TheoryData<string, string, string> LatencyCases => new()
    {
        // Window 3 rounds, median needs 2 replies, 2 s above opens, 1 s at or below 0.9 x threshold resolves.
        { "a short spike never opens", "....SS.....", "" },
        { "slow for long enough opens and resolves", "...SSSSSS....", "Latency 4 6 10 11" },
        { "timeouts do not lower the median", "..SSXSSXSS....", "Latency 3 5 11 12" },
        { "too few replies for a median restart the count", "...SXSXSXS....", "" },
        { "slow at the end stays open", "...SSSSSSSS", "Latency 4 6 - -" },
        { "a gap restarts the window", "..SS_SS_SS..", "" },
    };

    [Theory]
    [MemberData(nameof(LatencyCases))]
    public void Latency(string because, string script, string expected)
    {
        var options = new DetectionOptions
        {
            LatencyWindowRounds = 3,
            LatencyMinReplies = 2,
            LatencyOpenAfter = TimeSpan.FromSeconds(2),
            LatencyResolveAfter = TimeSpan.FromSeconds(1),
            LossMinRounds = 30,
            LossWindowRounds = 30,
        };
        Assert.Equal(Split(expected), Run(script, options, latencyThresholdMs: 150).Where(i => i.StartsWith("Latency", StringComparison.Ordinal)), StringComparer.Ordinal);
        _ = because;
    }

    [Theory]
    [InlineData(299.999, "...SSSSSS....", "Latency 4 6 10 11")]
    [InlineData(300, "...SSSSSS....", "")]
    public void Latency_threshold_is_exceeded_strictly(double thresholdMs, string script, string expected)
    {
        var options = new DetectionOptions
        {
            LatencyWindowRounds = 3,
            LatencyMinReplies = 2,
            LatencyOpenAfter = TimeSpan.FromSeconds(2),
            LatencyResolveAfter = TimeSpan.FromSeconds(1),
        };
        Assert.Equal(Split(expected), Run(script, options, latencyThresholdMs: thresholdMs).Where(i => i.StartsWith("Latency", StringComparison.Ordinal)), StringComparer.Ordinal);
    }

    public static TheoryData<string, string, string> LossCases => new()
    {
        // Window 10 rounds, at least 5 counted, threshold 15 %, resolve after 2 s at or under.
        { "one lost in ten is under the threshold", "..........X..........", "" },
        { "two scattered losses open once the second run ends", "......X..X...........", "Loss 10 10 16 18" },
        { "an outage is not loss", "......XXX............", "Down 6 8 9 10" },
        { "regular single losses open loss and resolve once they stop", "..X..X..X..X..........", "Loss 4 4 18 20" },
        { "the loss run still going on is not counted yet", ".........XX", "" },
    };

    [Theory]
    [MemberData(nameof(LossCases))]
    public void Loss(string because, string script, string expected)
    {
        var options = new DetectionOptions
        {
            LossWindowRounds = 10,
            LossMinRounds = 5,
            LossResolveAfter = TimeSpan.FromSeconds(2),
            DownMinDuration = TimeSpan.Zero,
            DownRandomRunOdds = 1,
        };
        Assert.Equal(Split(expected), Run(script, options, lossThresholdPercent: 15), StringComparer.Ordinal);
        _ = because;
    }

    [Fact]
    public void Loss_counts_runs_shorter_than_a_clean_lines_down_run()
    {
        // At defaults a clean line's down run is 5 rounds at 1 s: a run of 4 is loss, a run of 6 an outage.
        var options = new DetectionOptions { LossWindowRounds = 20, LossMinRounds = 5, LossResolveAfter = TimeSpan.FromSeconds(2) };
        Assert.Equal(["Loss 10 10 - -"], Run("......XXXX................", options, lossThresholdPercent: 15, cleanLeadIn: 60));
        Assert.Equal(["Down 6 10 12 13"], Run("......XXXXXX..............", options, lossThresholdPercent: 15, cleanLeadIn: 60));
    }

    [Theory]
    [InlineData(20.0, "......X..X...........", "")]
    [InlineData(19.999, "......X..X...........", "Loss 10 10 16 18")]
    public void Loss_threshold_is_exceeded_strictly(double thresholdPercent, string script, string expected)
    {
        var options = new DetectionOptions { LossWindowRounds = 10, LossMinRounds = 5, LossResolveAfter = TimeSpan.FromSeconds(2) };
        Assert.Equal(Split(expected), Run(script, options, lossThresholdPercent: thresholdPercent), StringComparer.Ordinal);
    }

    [Fact]
    public void Peaks_are_the_worst_values_while_open()
    {
        var options = new DetectionOptions
        {
            LatencyWindowRounds = 1,
            LatencyMinReplies = 1,
            LatencyOpenAfter = TimeSpan.Zero,
            LatencyResolveAfter = TimeSpan.Zero,
            DownMinDuration = TimeSpan.Zero,
            DownRandomRunOdds = 1,
        };
        var detector = new TargetDetector(options, []);
        int[] values = [10_000, 200_000, 400_000, 250_000, 10_000, -1, -1, -1, -1, 5_000, 5_000];
        for (var i = 0; i < values.Length; i++)
        {
            detector.Step(new Round(T0.AddSeconds(i), values[i], 1000, 150, 5));
        }

        var latency = Assert.Single(detector.Incidents, i => i.Type == IncidentType.Latency);
        Assert.Equal(400, latency.Peak);
        Assert.Equal(150, latency.Threshold);
        var down = Assert.Single(detector.Incidents, i => i.Type == IncidentType.Down);
        Assert.Equal(4, down.Peak);
        Assert.Equal(3, down.Threshold);
    }

    [Fact]
    public void Rounds_out_of_order_are_refused()
    {
        var detector = new TargetDetector(new DetectionOptions(), []);
        detector.Step(new Round(T0.AddSeconds(5), 1000, 1000, 150, 5));
        Assert.Throws<ArgumentException>(() => detector.Step(new Round(T0.AddSeconds(5), 1000, 1000, 150, 5)));
    }

    /// <summary>
    /// The property late batches rely on: start anywhere with the incidents open there and a warm prelude,
    /// and every incident from that point on comes out as in one run from the first round.
    /// </summary>
    [Fact]
    public void Starting_anywhere_with_a_warm_prelude_decides_as_one_run_from_the_start()
    {
        var options = new DetectionOptions
        {
            LatencyWindowRounds = 7,
            LatencyMinReplies = 3,
            LatencyOpenAfter = TimeSpan.FromSeconds(5),
            LatencyResolveAfter = TimeSpan.FromSeconds(4),
            LossWindowRounds = 12,
            LossMinRounds = 6,
            LossResolveAfter = TimeSpan.FromSeconds(6),
        };
        var random = new Random(1234);
        for (var trial = 0; trial < 300; trial++)
        {
            var rounds = RandomRounds(random, 400);
            var whole = new TargetDetector(options, []);
            foreach (var round in rounds)
            {
                whole.Step(round);
            }

            var cut = rounds[random.Next(1, rounds.Count)].Time;
            var open = whole.Incidents
                .Where(i => i.OpenedAt < cut && (i.ClosedAt is null || i.ClosedAt >= cut))
                .Select(i => (i.Type, i.Start, i.OpenedAt, i.Threshold));
            var resumed = new TargetDetector(options, open);
            var prelude = cut - options.Prelude(1000);
            foreach (var round in rounds.Where(r => r.Time >= prelude && r.Time < cut))
            {
                resumed.Warm(round);
            }

            foreach (var round in rounds.Where(r => r.Time >= cut))
            {
                resumed.Step(round);
            }

            var expected = whole.Incidents.Where(i => i.ClosedAt is null || i.ClosedAt >= cut).Select(Describe);
            Assert.Equal(expected, resumed.Incidents.Select(Describe));
            Assert.Equal(
                whole.Incidents.Where(i => i.OpenedAt >= cut).Select(i => i.Peak),
                resumed.Incidents.Where(i => !i.CarriedIn).Select(i => i.Peak));
        }
    }

    private static List<Round> RandomRounds(Random random, int count)
    {
        var rounds = new List<Round>(count);
        var time = T0;
        var mode = 0;
        for (var i = 0; i < count; i++)
        {
            if (random.Next(25) == 0)
            {
                mode = random.Next(4);
            }

            time = time.AddSeconds(random.Next(60) == 0 ? 2 + random.Next(3) : 1);
            var value = mode switch
            {
                0 => random.Next(30) == 0 ? -1 : 5_000 + random.Next(10_000),
                1 => random.Next(4) == 0 ? -1 : 5_000,
                2 => random.Next(8) == 0 ? 5_000 : -1,
                _ => random.Next(5) == 0 ? 20_000 : 100_000 + random.Next(200_000),
            };
            rounds.Add(new Round(time, value, 1000, 150, 5));
        }

        return rounds;
    }

    /// <param name="cleanLeadIn">Good rounds before the script's first (at negative seconds): a line with a clean history.</param>
    private static List<string> Run(string script, DetectionOptions options, double latencyThresholdMs = 150, double lossThresholdPercent = 5, int cleanLeadIn = 0)
    {
        var detector = new TargetDetector(options, []);
        for (var i = -cleanLeadIn; i < 0; i++)
        {
            detector.Step(new Round(T0.AddSeconds(i), 10_000, 1000, latencyThresholdMs, lossThresholdPercent));
        }

        for (var i = 0; i < script.Length; i++)
        {
            var value = script[i] switch
            {
                '.' => 10_000,
                'S' => 300_000,
                'X' => -1,
                '_' => (int?)null,
                var other => throw new ArgumentException($"unknown round '{other}'"),
            };
            if (value is { } v)
            {
                detector.Step(new Round(T0.AddSeconds(i), v, 1000, latencyThresholdMs, lossThresholdPercent));
            }
        }

        return detector.Incidents.Select(i => string.Join(' ',
            i.Type, Seconds(i.Start), Seconds(i.OpenedAt), i.End is { } end ? Seconds(end) : "-", i.ClosedAt is { } closed ? Seconds(closed) : "-")).ToList();
    }

    private static bool IsDown(string incident) => incident.StartsWith("Down", StringComparison.Ordinal);

    private static string Describe(DetectedIncident i) => $"{i.Type} {i.Start:O} {i.OpenedAt:O} {i.End:O} {i.ClosedAt:O}";

    private static string Seconds(DateTimeOffset time) => ((int)(time - T0).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static List<string> Split(string expected) => expected.Length == 0 ? [] : [.. expected.Split('|')];
}
