using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetPulse.Probe.Spool;

/// <summary>
/// What the spool must remember beyond its batch files: the next sequence number (so numbering
/// survives a spool that drained empty) and the last successful send (for the <c>status</c> command,
/// and so that a batch whose file outlived its send by a crash is not sent twice).
/// </summary>
internal sealed record SpoolState
{
    public const string FileName = "spool-state.json";

    public long NextSequence { get; init; }

    public long? LastSentSequence { get; init; }

    public DateTimeOffset? LastSentAt { get; init; }

    public static Task WriteAsync(string folder, SpoolState state, CancellationToken cancellationToken) =>
        DurableFile.WriteAsync(Path.Combine(folder, FileName), Serialize(state), cancellationToken);

    public static void Write(string folder, SpoolState state) =>
        DurableFile.Write(Path.Combine(folder, FileName), Serialize(state));

    /// <summary>Reads the state file; an absent file is a fresh spool.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a spool state.</exception>
    public static SpoolState? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize(content, SpoolStateJsonContext.Default.SpoolState)
                ?? throw new InvalidDataException($"{path} holds JSON null");
            return state.NextSequence >= 0 ? state : throw new InvalidDataException($"{path} has a negative nextSequence");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a spool state: {ex.Message}", ex);
        }
    }

    private static byte[] Serialize(SpoolState state) =>
        JsonSerializer.SerializeToUtf8Bytes(state, SpoolStateJsonContext.Default.SpoolState);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(SpoolState))]
internal sealed partial class SpoolStateJsonContext : JsonSerializerContext;
