using System.Text.Json.Serialization;

namespace NetPulse.Contracts;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(WireSampleJsonConverter)])]
[JsonSerializable(typeof(PingBatch))]
[JsonSerializable(typeof(TargetSettings))]
internal sealed partial class PingBatchJsonContext : JsonSerializerContext;
