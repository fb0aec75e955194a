using NetPulse.Contracts;
using NetPulse.Probe.Targets;

namespace NetPulse.Probe.Batching;

/// <summary>
/// What every batch of this probe carries besides samples: the probe id and each target's metadata,
/// with the encoded size of each measured once by the real codec, so the batcher can keep a running
/// byte count that never underestimates (JSON escaping of hostile names included). In wire version 2 the
/// count is of the payload before compression, against <see cref="PingBatchCodec.MaxPayloadBytes"/>; the
/// compressed body is measured when the batch closes, and a batch too big for a message then splits.
/// </summary>
internal sealed class BatchLayout
{
    /// <summary>The widest window start the JSON writer can produce: seven fractional digits.</summary>
    private static readonly DateTimeOffset WidestWindowStart = new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999);

    /// <summary>
    /// The probe status (<see cref="ProbeStatus"/>, in every batch) at its widest: every text as long as allowed, of a
    /// character that takes three bytes in UTF-8 and six in escaped JSON.
    /// </summary>
    private static readonly ProbeStatus WidestStatus = new()
    {
        SoftwareVersion = new string('€', ProbeStatus.MaxTextLength),
        Site = new string('€', ProbeStatus.MaxTextLength),
        IcmpEngine = new string('€', ProbeStatus.MaxTextLength),
        TargetListVersion = new string('€', ProbeStatus.MaxTextLength),
        SpoolDepth = int.MaxValue,
        OldestUnsentAt = WidestWindowStart,
        ClockOffsetMs = -ProbeStatus.MaxClockOffsetMs,
    };

    /// <summary>The binary body's prefix (magic, version, compression) and payload size varint, with room to spare.</summary>
    private const int BinaryPrefixMargin = 16;

    private readonly TargetSamples?[] _templates;
    private readonly int[] _targetBytes;
    private readonly int _emptyPayloadBytes;

    /// <param name="withStatus">Batches carry a <see cref="ProbeStatus"/>: the envelope makes room for the widest one.</param>
    public BatchLayout(string probeId, IReadOnlyList<ProbeTarget> targets, int wireVersion = PingBatch.CurrentVersion, bool withStatus = false)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (!PingBatchRules.IsValidProbeId(probeId))
        {
            throw new ArgumentException(
                $"The probe id '{probeId}' cannot go into a batch: use 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit.",
                nameof(probeId));
        }

        if (!PingBatch.IsKnownVersion(wireVersion))
        {
            throw new ArgumentOutOfRangeException(nameof(wireVersion), wireVersion, $"Wire version must be {PingBatch.JsonVersion} or {PingBatch.BinaryVersion}.");
        }

        ProbeId = probeId;
        WireVersion = wireVersion;
        var empty = Envelope([]);

        // The envelope is measured as wide as it can get: the longest sequence and window start, and a
        // sample count of ten digits (JSON) or a target count of two bytes (binary) where the measurement had one.
        var widest = empty with { Sequence = long.MaxValue, WindowStart = WidestWindowStart, Status = withStatus ? WidestStatus : null };
        EnvelopeBytes = IsBinary ? PingBatchCodec.MeasurePayloadBytes(widest) + 1 : PingBatchCodec.MeasureBytes(widest) + 9;

        var size = targets.Count == 0 ? 0 : targets.Max(t => t.Index) + 1;
        _templates = new TargetSamples?[size];
        _targetBytes = new int[size];
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var emptyBytes = PingBatchCodec.MeasureBytes(empty);
        foreach (var target in targets)
        {
            if (target.Index < 0 || _templates[target.Index] is not null)
            {
                throw new ArgumentException($"Target '{target.Name}' has index {target.Index}, which is negative or taken.", nameof(targets));
            }

            if (!names.TryAdd(target.Name, target.Name))
            {
                throw new ArgumentException($"Targets '{names[target.Name]}' and '{target.Name}' differ only in case; a batch needs unique names.", nameof(targets));
            }

            var template = Template(target.Settings);
            CheckSendable(template);
            _templates[target.Index] = template;

            // One more byte for the comma that separates it from the target before it.
            _targetBytes[target.Index] = IsBinary
                ? PingBatchCodec.MaxPayloadBytesPerTarget(target.Settings)
                : PingBatchCodec.MeasureBytes(empty with { Targets = [template] }) - emptyBytes + 1;
            LoneSampleBytes = Math.Max(LoneSampleBytes, _targetBytes[target.Index] + SampleBytes(0, int.MinValue));
        }

        _emptyPayloadBytes = IsBinary ? PingBatchCodec.MeasurePayloadBytes(empty) : emptyBytes;
    }

    /// <summary>Room for the first sample of any target (its metadata and one sample at offset 0): what a batch of paths alone keeps free.</summary>
    public int LoneSampleBytes { get; }

    /// <summary>
    /// The most a batch with a single path snapshot and a single sample may count and still be sure to encode: the body
    /// limit itself, in binary less the prefix (a payload Brotli cannot shrink goes uncompressed, a few bytes longer).
    /// </summary>
    public int MaxLoneBatchBytes => IsBinary ? PingBatchCodec.MaxBodyBytes - BinaryPrefixMargin : PingBatchCodec.MaxBodyBytes;

    /// <summary>
    /// What <paramref name="snapshot"/> adds to an encoded batch (JSON) or its payload before compression (binary), at
    /// most: measured by the real codec, with the paths field's or section's own overhead counted for each snapshot,
    /// so the sum over several never falls short.
    /// </summary>
    public int PathBytes(PathSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var with = Envelope([]) with { Paths = [snapshot] };
        return (IsBinary ? PingBatchCodec.MeasurePayloadBytes(with) : PingBatchCodec.MeasureBytes(with)) - _emptyPayloadBytes;
    }

    public string ProbeId { get; }

    /// <summary>The version batches are encoded in (<c>Probe:Batching:WireVersion</c>).</summary>
    public int WireVersion { get; }

    /// <summary>Upper bound of the encoded batch without targets.</summary>
    public int EnvelopeBytes { get; }

    /// <summary>What the running estimate must stay within: the body (JSON) or the payload before compression (binary).</summary>
    public int MaxEstimatedBytes => IsBinary ? PingBatchCodec.MaxPayloadBytes : PingBatchCodec.MaxBodyBytes;

    private bool IsBinary => WireVersion == PingBatch.BinaryVersion;

    public bool TryGetTarget(int index, out TargetSamples template, out int encodedBytes)
    {
        if (index >= 0 && index < _templates.Length && _templates[index] is { } found)
        {
            template = found;
            encodedBytes = _targetBytes[index];
            return true;
        }

        template = null!;
        encodedBytes = 0;
        return false;
    }

    /// <summary>JSON: exact encoded size of one sample <c>[offset,value]</c> plus the comma before it; binary: its most.</summary>
    public int SampleBytes(int offsetMs, int value) =>
        IsBinary ? PingBatchCodec.MaxPayloadBytesPerSample(offsetMs) : 4 + Digits(offsetMs) + Digits(value);

    private static int Digits(long value)
    {
        if (value < 0)
        {
            return 1 + Digits(-value);
        }

        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>
    /// A target's settings with room for samples. The one place the probe copies the settings field by field:
    /// <see cref="TargetSamples"/> has no constructor from a <see cref="TargetSettings"/> (yet).
    /// </summary>
    private static TargetSamples Template(TargetSettings settings) => new(settings, []);

    private PingBatch Envelope(IReadOnlyList<TargetSamples> targets) => new()
    {
        Version = WireVersion,
        ProbeId = ProbeId,
        Sequence = 0,
        WindowStart = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Targets = targets,
    };

    /// <summary>
    /// A target whose metadata breaks the contract would make every batch it is in unsendable: refuse
    /// it at start-up, naming it, rather than discover it at the first batch.
    /// </summary>
    private void CheckSendable(TargetSamples template)
    {
        try
        {
            PingBatchCodec.Encode(Envelope([template with { Samples = [WireSample.Success(0, 0)] }]));
        }
        catch (InvalidPingBatchException ex)
        {
            throw new ArgumentException($"Target '{template.Name}' cannot be sent in a ping batch: {ex.Message}", nameof(template), ex);
        }
    }
}
