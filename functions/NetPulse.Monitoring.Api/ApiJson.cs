using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// The API's JSON: camelCase, nulls written (the dashboard tells "none" from "missing"), times as ISO-8601 UTC
/// with a Z. One source-generated context serves both hosts, so the Functions worker's and the dev host's JSON
/// settings cannot make the two answer differently.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(UtcTimeJsonConverter)])]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(TargetList))]
[JsonSerializable(typeof(TargetView))]
[JsonSerializable(typeof(SeriesView))]
[JsonSerializable(typeof(HeatmapView))]
[JsonSerializable(typeof(QualityView))]
[JsonSerializable(typeof(RankingView))]
[JsonSerializable(typeof(IncidentList))]
[JsonSerializable(typeof(ReportDateList))]
[JsonSerializable(typeof(HealthHandler.HealthReport))]
[JsonSerializable(typeof(ProbeRegistrationRequest))]
[JsonSerializable(typeof(RegisteredProbeView))]
[JsonSerializable(typeof(RegisteredProbeList))]
[JsonSerializable(typeof(ProbeFleetList))]
[JsonSerializable(typeof(RetirementView))]
[JsonSerializable(typeof(QueueDepthList))]
[JsonSerializable(typeof(RedriveView))]
[JsonSerializable(typeof(MaintenanceWindowList))]
[JsonSerializable(typeof(MaintenanceWindowView))]
[JsonSerializable(typeof(MaintenanceWindowRequest))]
[JsonSerializable(typeof(IncidentView))]
[JsonSerializable(typeof(AcknowledgeRequest))]
[JsonSerializable(typeof(MaintenanceMarkRequest))]
[JsonSerializable(typeof(AlertNoticeList))]
[JsonSerializable(typeof(ManagedTargetListView))]
[JsonSerializable(typeof(ManagedTargetView))]
[JsonSerializable(typeof(ManagedTargetRequest))]
[JsonSerializable(typeof(ManagedTargetImportView))]
[JsonSerializable(typeof(ManagedTargetProblem))]
[JsonSerializable(typeof(NetPulse.Contracts.ManagedTarget))]
[JsonSerializable(typeof(ShareLinkRequest))]
[JsonSerializable(typeof(ShareLinkView))]
[JsonSerializable(typeof(ShareLinkList))]
[JsonSerializable(typeof(SharedView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary>Writes every time as UTC, "2026-11-27T05:00:00Z", with fractions of a second only when there are any.</summary>
internal sealed class UtcTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Text(value));
    }

    public static string Text(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
