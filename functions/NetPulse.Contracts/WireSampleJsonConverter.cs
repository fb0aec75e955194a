using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetPulse.Contracts;

/// <summary>Writes a sample as the two-number array <c>[offsetMs, value]</c>: a third of the size of an object.</summary>
internal sealed class WireSampleJsonConverter : JsonConverter<WireSample>
{
    public override WireSample Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("a sample must be an array [offsetMs, value]");
        }

        var offset = ReadInt(ref reader);
        var value = ReadInt(ref reader);
        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("a sample must have exactly two numbers [offsetMs, value]");
        }

        return new WireSample(offset, value);
    }

    public override void Write(Utf8JsonWriter writer, WireSample value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.OffsetMs);
        writer.WriteNumberValue(value.Value);
        writer.WriteEndArray();
    }

    private static int ReadInt(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var number))
        {
            throw new JsonException("a sample must be two whole numbers [offsetMs, value]");
        }

        return number;
    }
}
