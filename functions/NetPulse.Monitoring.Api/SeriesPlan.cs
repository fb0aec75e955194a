using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>Where a series' points come from: the rounds themselves, or the stored minute or hour rollups.</summary>
internal enum SeriesSource
{
    Raw,
    Minute,
    Hour,
}

/// <summary>
/// How a range is charted: the shortest step that keeps it within <see cref="MaxPoints"/> points, from a ladder
/// of steps that divide a day. Steps under a minute are built from the rounds (each point exact), steps of
/// minutes from minute rollups, steps of hours from hour rollups, so that the reads stay small: a day is 25
/// rollup rows, 30 days 720 rows without their minutes.
/// </summary>
internal readonly record struct SeriesPlan(SeriesSource Source, int StepSeconds)
{
    public const int MaxPoints = 2000;

    private static readonly (SeriesSource Source, int Step)[] Ladder =
    [
        (SeriesSource.Raw, 1), (SeriesSource.Raw, 2), (SeriesSource.Raw, 5), (SeriesSource.Raw, 10), (SeriesSource.Raw, 15), (SeriesSource.Raw, 30),

        // 120 s to 600 s merge minute rollups: up to a week at 10 minutes. Beyond, hours: their rows are
        // read without the packed minutes, a tenth of the bytes.
        (SeriesSource.Minute, 60), (SeriesSource.Minute, 120), (SeriesSource.Minute, 300), (SeriesSource.Minute, 600),
        (SeriesSource.Hour, 3600), (SeriesSource.Hour, 7200), (SeriesSource.Hour, 10800), (SeriesSource.Hour, 21600), (SeriesSource.Hour, 43200),
        (SeriesSource.Hour, 86400),
    ];

    /// <summary>The wire name: raw, minute or hour.</summary>
    public string Resolution => Source switch
    {
        SeriesSource.Raw => "raw",
        SeriesSource.Minute => "minute",
        _ => "hour",
    };

    /// <summary>
    /// The reads that chart <paramref name="from"/> to <paramref name="to"/>, oldest first: the plan's source from its
    /// retention edge on, and before that edge the next coarser source (rounds, then minute rollups, then hour rollups),
    /// so a range across an edge has coarser points before it rather than a hole. Edges are UTC day starts, which every
    /// step divides, so no step is shared by two reads. Before the hour rollups' edge nothing is kept.
    /// </summary>
    public IReadOnlyList<SeriesRead> Reads(DateTimeOffset from, DateTimeOffset to, RetentionEdges edges)
    {
        var reads = new List<SeriesRead>();
        var source = Source;
        var end = to;
        while (end >= from)
        {
            var edge = source switch
            {
                SeriesSource.Raw => edges.RawFrom,
                SeriesSource.Minute => edges.MinuteFrom,
                SeriesSource.Hour => DateTimeOffset.MinValue,
            };
            if (from >= edge)
            {
                reads.Add(new SeriesRead(source, from, end));
                break;
            }

            if (end >= edge)
            {
                reads.Add(new SeriesRead(source, edge, end));
            }

            end = end < edge ? end : edge.AddTicks(-1);
            source = source == SeriesSource.Raw ? SeriesSource.Minute : SeriesSource.Hour;
        }

        reads.Reverse();
        return reads;
    }

    /// <summary>The plan for a range of <paramref name="length"/> of a target pinged every <paramref name="intervalMs"/>.</summary>
    public static SeriesPlan For(TimeSpan length, int intervalMs)
    {
        // A step shorter than the interval would only add empty steps.
        var intervalSeconds = Math.Max(1, (int)Math.Ceiling(intervalMs / 1000.0));
        foreach (var (source, step) in Ladder)
        {
            if ((source != SeriesSource.Raw || step >= intervalSeconds) && Math.Ceiling(length.TotalSeconds / step) <= MaxPoints)
            {
                return new SeriesPlan(source, step);
            }
        }

        return new SeriesPlan(Ladder[^1].Source, Ladder[^1].Step);
    }
}

/// <summary>One read of a series: <paramref name="Source"/> over <paramref name="From"/> to <paramref name="To"/> (both included).</summary>
internal readonly record struct SeriesRead(SeriesSource Source, DateTimeOffset From, DateTimeOffset To);
