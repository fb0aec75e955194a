using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Incidents;

/// <summary>
/// The incident rules of one target, fed its rounds in time order (gatus' alerting.go is the model).
/// <list type="bullet">
/// <item>down: opens when the run of consecutive failed rounds reaches the length <see cref="FailedRoundsForDown"/> asks (on a clean line
/// <see cref="DetectionOptions.DownAfterFailedRounds"/> and <see cref="DetectionOptions.DownMinDuration"/>, on a lossy one longer, up to
/// <see cref="DetectionOptions.DownMaxDuration"/>), resolves after <see cref="DetectionOptions.UpAfterGoodRounds"/> consecutive good ones;</item>
/// <item>latency: opens when the rolling median RTT has stayed above the threshold for <see cref="DetectionOptions.LatencyOpenAfter"/>, resolves when it has stayed at or below threshold × <see cref="DetectionOptions.LatencyResolveRatio"/> for <see cref="DetectionOptions.LatencyResolveAfter"/>;</item>
/// <item>loss: opens when loss over the window exceeds the threshold, resolves when it has stayed at or under it for <see cref="DetectionOptions.LossResolveAfter"/>. Runs of failures as long as a clean line's down run (<see cref="DetectionOptions.CleanDownRounds"/>), and the run still going on, are left out: an outage is a down incident, not loss.</item>
/// </list>
/// A gap in the rounds (more than 1.5 intervals) restarts every count and window: what is not known cannot
/// open or resolve anything.
/// </summary>
/// <remarks>
/// Every decision depends on whether an incident is open plus the latest <see cref="DetectionOptions.HistoryRounds"/>
/// rounds and spans, never on older rounds. So detection can start anywhere: give it the incidents open at that
/// point, <see cref="Warm"/> it with the rounds of the prelude before, then <see cref="Step"/> through the rest and
/// it decides exactly as a run from the very first round would have. That is what makes late and shuffled
/// batches give the same incidents as an in-order delivery.
/// </remarks>
internal sealed class TargetDetector
{
    private readonly DetectionOptions _options;
    private readonly List<Round> _history = [];
    private readonly Dictionary<IncidentType, DetectedIncident> _open = [];
    private readonly List<DetectedIncident> _incidents = [];

    private int _failRun;
    private DateTimeOffset _failRunStart;
    private int _goodRun;
    private DateTimeOffset _goodRunStart;
    private DateTimeOffset? _slowSince;
    private double _slowPeak;
    private DateTimeOffset? _fastSince;
    private DateTimeOffset? _lossLowSince;

    /// <param name="openAtStart">The incidents open just before the first round this detector will see.</param>
    public TargetDetector(DetectionOptions options, IEnumerable<(IncidentType Type, DateTimeOffset Start, DateTimeOffset OpenedAt, double Threshold)> openAtStart)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(openAtStart);
        _options = options;
        foreach (var (type, start, openedAt, threshold) in openAtStart)
        {
            var incident = new DetectedIncident { Type = type, Start = start, OpenedAt = openedAt, Threshold = threshold, CarriedIn = true };
            if (!_open.TryAdd(type, incident))
            {
                throw new ArgumentException($"two open {type} incidents given", nameof(openAtStart));
            }

            _incidents.Add(incident);
        }
    }

    /// <summary>Every incident this run carried in or opened, in the order they opened.</summary>
    public IReadOnlyList<DetectedIncident> Incidents => _incidents;

    public DateTimeOffset? LastRoundAt => _history.Count == 0 ? null : _history[^1].Time;

    public bool IsOpen(IncidentType type) => _open.ContainsKey(type);

    /// <summary>Feeds a round of the prelude: counts and windows move, nothing opens or resolves.</summary>
    public void Warm(Round round) => Observe(round, decide: false);

    /// <summary>Feeds a round and applies the rules.</summary>
    public void Step(Round round) => Observe(round, decide: true);

    private void Observe(Round round, bool decide)
    {
        if (_history.Count > 0)
        {
            var previous = _history[^1];
            if (round.Time <= previous.Time)
            {
                throw new ArgumentException($"rounds must come in time order: {round.Time:O} after {previous.Time:O}", nameof(round));
            }

            if ((round.Time - previous.Time).TotalMilliseconds > round.IntervalMs * 1.5)
            {
                RestartAfterGap();
            }
        }

        _history.Add(round);
        if (_history.Count > 2 * _options.HistoryRounds)
        {
            _history.RemoveRange(0, _history.Count - _options.HistoryRounds);
        }

        Down(round, decide);
        Latency(round, decide);
        Loss(round, decide);
    }

    private void RestartAfterGap()
    {
        _history.Clear();
        _failRun = 0;
        _goodRun = 0;
        _slowSince = null;
        _fastSince = null;
        _lossLowSince = null;
    }

    private void Down(Round round, bool decide)
    {
        if (round.IsSuccess)
        {
            _goodRunStart = _goodRun++ == 0 ? round.Time : _goodRunStart;
            _failRun = 0;
        }
        else
        {
            _failRunStart = _failRun++ == 0 ? round.Time : _failRunStart;
            _goodRun = 0;
        }

        if (!decide)
        {
            return;
        }

        if (_open.TryGetValue(IncidentType.Down, out var down))
        {
            if (!round.IsSuccess)
            {
                down.Peak = (down.Peak ?? 0) + 1;
            }

            if (_goodRun >= _options.UpAfterGoodRounds)
            {
                Close(down, _goodRunStart, round.Time);
            }
        }
        else if (!round.IsSuccess && FailedRoundsForDown(round) is var needed && _failRun >= needed)
        {
            Open(IncidentType.Down, _failRunStart, round.Time, needed, _failRun);
        }
    }

    /// <summary>
    /// The length the failed run going on must reach to open a down incident: the clean line's
    /// (<see cref="DetectionOptions.CleanDownRounds"/>), or on a lossy line the least n with p^n below
    /// <see cref="DetectionOptions.DownRandomRunOdds"/>, so random loss practically never forms it, but never more than
    /// <see cref="DetectionOptions.MostDownRounds"/>. p is the share of failed rounds among the
    /// <see cref="DetectionOptions.LossWindowRounds"/> rounds before the run, taken at its one-sided 95 % upper bound
    /// (Wilson), so a noisy estimate errs towards lossy; none failed is clean, and fewer than
    /// <see cref="DetectionOptions.LossMinRounds"/> rounds before the run (a new target, or just after a gap) is a line not
    /// known yet, which gets the longest run.
    /// </summary>
    private int FailedRoundsForDown(Round round)
    {
        var clean = _options.CleanDownRounds(round.IntervalMs);
        var most = _options.MostDownRounds(round.IntervalMs);
        if (_options.DownRandomRunOdds >= 1)
        {
            return clean;
        }

        var end = _history.Count - _failRun;
        int counted = 0, lost = 0;
        for (var i = Math.Max(0, end - _options.LossWindowRounds); i < end; i++)
        {
            counted++;
            lost += _history[i].IsSuccess ? 0 : 1;
        }

        if (counted < _options.LossMinRounds)
        {
            return most;
        }

        if (lost == 0)
        {
            return clean;
        }

        var p = WilsonUpperBound(lost, counted);
        if (p >= 1)
        {
            return most;
        }

        var needed = p <= 0 ? 1 : Math.Floor(Math.Log(_options.DownRandomRunOdds) / Math.Log(p)) + 1;
        return (int)Math.Clamp(needed, clean, most);
    }

    /// <summary>The one-sided 95 % upper confidence bound of a share (Wilson score interval); 1 with nothing counted.</summary>
    internal static double WilsonUpperBound(int hits, int count)
    {
        const double Z = 1.645;
        if (count == 0)
        {
            return 1;
        }

        var share = (double)hits / count;
        var z2n = Z * Z / count;
        return Math.Min(1, (share + z2n / 2 + Z * Math.Sqrt((share * (1 - share) / count) + (z2n / (4 * count)))) / (1 + z2n));
    }

    private void Latency(Round round, bool decide)
    {
        var median = RollingMedianMs();
        var threshold = round.LatencyThresholdMs;
        if (median > threshold)
        {
            _slowPeak = _slowSince is null ? median.Value : Math.Max(_slowPeak, median.Value);
            _slowSince ??= round.Time;
        }
        else
        {
            _slowSince = null;
        }

        _fastSince = median <= threshold * _options.LatencyResolveRatio ? _fastSince ?? round.Time : null;

        if (!decide)
        {
            return;
        }

        if (_open.TryGetValue(IncidentType.Latency, out var latency))
        {
            if (median is { } m)
            {
                latency.Peak = Math.Max(latency.Peak ?? m, m);
            }

            if (_fastSince is { } fast && round.Time - fast >= _options.LatencyResolveAfter)
            {
                Close(latency, fast, round.Time);
            }
        }
        else if (_slowSince is { } slow && round.Time - slow >= _options.LatencyOpenAfter)
        {
            Open(IncidentType.Latency, slow, round.Time, threshold, _slowPeak);
        }
    }

    private void Loss(Round round, bool decide)
    {
        var loss = RollingLossPercent();
        var threshold = round.LossThresholdPercent;
        _lossLowSince = loss <= threshold ? _lossLowSince ?? round.Time : null;

        if (!decide)
        {
            return;
        }

        if (_open.TryGetValue(IncidentType.Loss, out var incident))
        {
            if (loss is { } l)
            {
                incident.Peak = Math.Max(incident.Peak ?? l, l);
            }

            if (_lossLowSince is { } low && round.Time - low >= _options.LossResolveAfter)
            {
                Close(incident, low, round.Time);
            }
        }
        else if (loss > threshold)
        {
            Open(IncidentType.Loss, round.Time, round.Time, threshold, loss.Value);
        }
    }

    /// <summary>The nearest-rank median of the replies among the latest rounds; null with too few replies.</summary>
    private double? RollingMedianMs()
    {
        var from = Math.Max(0, _history.Count - _options.LatencyWindowRounds);
        var replies = new List<int>(_history.Count - from);
        for (var i = from; i < _history.Count; i++)
        {
            if (_history[i].IsSuccess)
            {
                replies.Add(_history[i].Value);
            }
        }

        if (replies.Count < _options.LatencyMinReplies)
        {
            return null;
        }

        replies.Sort();
        return SampleStatistics.NearestRank(replies, 50) / 1000.0;
    }

    /// <summary>
    /// Loss over the latest rounds, counting only failures in finished runs shorter than a clean line's down run:
    /// longer runs are outages and the run still going on may become one. Null with too few counted rounds.
    /// </summary>
    private double? RollingLossPercent()
    {
        var from = Math.Max(0, _history.Count - _options.LossWindowRounds);
        var last = _history.Count - 1;
        while (last >= from && !_history[last].IsSuccess)
        {
            last--;
        }

        int counted = 0, lost = 0;
        for (var i = from; i <= last; i++)
        {
            if (_history[i].IsSuccess)
            {
                counted++;
                continue;
            }

            var runStart = i;
            while (runStart > 0 && !_history[runStart - 1].IsSuccess)
            {
                runStart--;
            }

            var runEnd = i;
            while (!_history[runEnd + 1].IsSuccess)
            {
                runEnd++;
            }

            if (runEnd - runStart + 1 < _options.CleanDownRounds(_history[runEnd].IntervalMs))
            {
                counted += runEnd - i + 1;
                lost += runEnd - i + 1;
            }

            i = runEnd;
        }

        return counted < _options.LossMinRounds ? null : 100.0 * lost / counted;
    }

    private void Open(IncidentType type, DateTimeOffset start, DateTimeOffset openedAt, double threshold, double peak)
    {
        var incident = new DetectedIncident { Type = type, Start = start, OpenedAt = openedAt, Threshold = threshold, Peak = peak };
        _open.Add(type, incident);
        _incidents.Add(incident);
    }

    private void Close(DetectedIncident incident, DateTimeOffset end, DateTimeOffset closedAt)
    {
        incident.End = end;
        incident.ClosedAt = closedAt;
        _open.Remove(incident.Type);
    }
}
