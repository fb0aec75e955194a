using System.Text.Json.Serialization;

namespace NetPulse.Contracts;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(WireSampleJsonConverter)])]
[JsonSerializable(typeof(PingBatch))]
[JsonSerializable(typeof(TargetSettings))]
[JsonSerializable(typeof(ProbeStatus))]
[JsonSerializable(typeof(IReadOnlyList<PathSnapshot>))]
[JsonSerializable(typeof(ManagedTargetList))]
internal sealed partial class PingBatchJsonContext : JsonSerializerContext;
