using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NetPulse.Monitoring.Reports;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// Where packs are kept: the files in the blob container "evidence" (<c>{probe}/{kind}/{period}/pack.pdf</c>, the four
/// CSV files and <c>figures.json</c>), and one index row per pack in the table "evidence" (partition the probe, row
/// <c>{kind}|{period}</c>), so listing packs is a table query, not a blob scan. The files are written first and the row
/// last: a row means the pack is complete. Nothing here deletes a pack: packs are the evidence and are kept.
/// </summary>
internal sealed class EvidenceStore
{
    public const string PdfFile = "pack.pdf";
    public const string FiguresFile = "figures.json";

    /// <summary>The CSV files of a pack, by their short names (the part of <see cref="EvidenceCsv"/>'s names after the stem).</summary>
    public static readonly IReadOnlyList<string> CsvFiles = ["targets.csv", "outages.csv", "incidents.csv", "heatmap.csv"];

    private const string PdfType = "application/pdf";
    private const string CsvType = "text/csv; charset=utf-8";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CreateOnce _create;

    public EvidenceStore(BlobServiceClient blobs, TableServiceClient tables, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        // The table prefix keeps test runs and side-by-side installs apart; container names are lowercase.
        Container = blobs.GetBlobContainerClient(options.Value.TablePrefix.ToLowerInvariant() + "evidence");
        Index = tables.GetTableClient(options.Value.TablePrefix + "evidence");
        _create = new CreateOnce(async ct =>
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: ct);
            await Index.CreateIfNotExistsAsync(ct);
        });
    }

    /// <summary>Every file name a download may ask for.</summary>
    public static IReadOnlyList<string> Downloads { get; } = [PdfFile, .. CsvFiles];

    public BlobContainerClient Container { get; }

    public TableClient Index { get; }

    public static string RowKey(string kind, string period) => string.Concat(kind, "|", period);

    public static string BlobName(string probeId, string kind, string period, string file) => $"{probeId}/{kind}/{period}/{file}";

    public ValueTask EnsureCreatedAsync(CancellationToken cancellationToken) => _create.EnsureAsync(cancellationToken);

    /// <summary>
    /// Stores a built pack: its files (replacing an older build's), then its index row, merged so that "emailed" survives
    /// a rebuild. Returns the row as stored.
    /// </summary>
    public async Task<EvidenceSummary> WriteAsync(EvidencePack pack, byte[] pdf, IReadOnlyList<EvidenceCsvFile> csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(pdf);
        ArgumentNullException.ThrowIfNull(csv);
        await EnsureCreatedAsync(cancellationToken);
        var kind = EvidenceKinds.Name(pack.Period.Kind);
        var stem = EvidenceCsv.FileStem(pack);
        var files = new List<EvidenceFileInfo> { new(PdfFile, stem + ".pdf", PdfType, pdf.Length) };
        await UploadAsync(BlobName(pack.ProbeId, kind, pack.Period.Id, PdfFile), pdf, PdfType, cancellationToken);
        foreach (var file in csv)
        {
            var name = file.FileName.StartsWith(stem + "-", StringComparison.Ordinal) ? file.FileName[(stem.Length + 1)..] : file.FileName;
            await UploadAsync(BlobName(pack.ProbeId, kind, pack.Period.Id, name), file.Content, CsvType, cancellationToken);
            files.Add(new EvidenceFileInfo(name, file.FileName, CsvType, file.Content.Length));
        }

        var figures = JsonSerializer.SerializeToUtf8Bytes(pack.Targets.Select(EvidenceTargetFigures.Of).ToList(), Json);
        await UploadAsync(BlobName(pack.ProbeId, kind, pack.Period.Id, FiguresFile), figures, "application/json", cancellationToken);

        var worst = pack.Targets.Count > 0 ? pack.Targets[0] : null;
        var row = new TableEntity(pack.ProbeId, RowKey(kind, pack.Period.Id))
        {
            [nameof(EvidenceSummary.ProbeId)] = pack.ProbeId,
            [nameof(EvidenceSummary.Site)] = pack.Site,
            [nameof(EvidenceSummary.Kind)] = kind,
            [nameof(EvidenceSummary.Period)] = pack.Period.Id,
            [nameof(EvidenceSummary.FirstDate)] = pack.Period.FirstDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            [nameof(EvidenceSummary.LastDate)] = pack.Period.LastDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            [nameof(EvidenceSummary.TimeZone)] = pack.Period.Zone.Id,
            [nameof(EvidenceSummary.From)] = pack.Period.From,
            [nameof(EvidenceSummary.To)] = pack.Period.To,
            [nameof(EvidenceSummary.CreatedAt)] = pack.GeneratedAt,
            [nameof(EvidenceSummary.Grade)] = pack.Grade?.ToString(),
            [nameof(EvidenceSummary.Grades)] = JsonSerializer.Serialize(pack.Grades, Json),
            [nameof(EvidenceSummary.TargetCount)] = pack.Targets.Count,
            [nameof(EvidenceSummary.IncidentCount)] = pack.Incidents.Count + pack.IncidentsNotListed,
            [nameof(EvidenceSummary.OutageCount)] = pack.Targets.Sum(t => t.Outages.Count),
            [nameof(EvidenceSummary.WorstTarget)] = worst?.TargetName,
            [nameof(EvidenceSummary.WorstTargetGrade)] = worst?.Grade?.ToString(),
            [nameof(EvidenceSummary.WorstTargetLossPercent)] = worst?.Statistics.LossPercent,
            [nameof(EvidenceSummary.WorstTargetP95Ms)] = worst?.Statistics.P95Ms,
            [nameof(EvidenceSummary.Files)] = JsonSerializer.Serialize(files, Json),
        };
        // A rebuild replaces the row (no figure of the older build survives) but keeps what the mailer recorded.
        var existing = await Index.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
        if (existing.HasValue && existing.Value is { } old && old.GetBoolean(nameof(EvidenceSummary.Emailed)) == true)
        {
            row[nameof(EvidenceSummary.Emailed)] = true;
            row[nameof(EvidenceSummary.EmailedAt)] = old.GetDateTimeOffset(nameof(EvidenceSummary.EmailedAt));
        }

        foreach (var empty in row.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            row.Remove(empty);
        }

        await Index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
        return ToSummary(row);
    }

    /// <summary>Records that the pack's email went out; the pack must be stored.</summary>
    public async Task MarkEmailedAsync(EvidenceSummary pack, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var entity = new TableEntity(pack.ProbeId, RowKey(pack.Kind, pack.Period))
        {
            [nameof(EvidenceSummary.Emailed)] = true,
            [nameof(EvidenceSummary.EmailedAt)] = at,
        };
        await Index.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The stored packs, of one probe and one kind when given, newest period first, then by probe.</summary>
    public async Task<List<EvidenceSummary>> ListAsync(string? probeId, string? kind, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var filters = new List<string>();
        if (probeId is not null)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {probeId}"));
        }

        if (kind is not null)
        {
            // Row keys are "{kind}|{period}"; '}' sorts right after '|', so this is exactly the kind's rows.
            filters.Add(TableClient.CreateQueryFilter($"RowKey gt {kind + "|"} and RowKey lt {kind + "}"}"));
        }

        var packs = new List<EvidenceSummary>();
        await foreach (var row in Index.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken))
        {
            packs.Add(ToSummary(row));
        }

        return [.. packs.OrderByDescending(p => p.From).ThenBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.ProbeId, StringComparer.Ordinal)];
    }

    /// <summary>The pack's index row; null when it is not stored.</summary>
    public async Task<EvidenceSummary?> GetAsync(string probeId, string kind, string period, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken);
        var row = await Index.GetEntityIfExistsAsync<TableEntity>(probeId, RowKey(kind, period), cancellationToken: cancellationToken);
        return row.HasValue && row.Value is { } entity ? ToSummary(entity) : null;
    }

    /// <summary>The pack's summary and each target's figures; null when it is not stored.</summary>
    public async Task<EvidenceDetail?> GetDetailAsync(string probeId, string kind, string period, CancellationToken cancellationToken)
    {
        if (await GetAsync(probeId, kind, period, cancellationToken) is not { } summary)
        {
            return null;
        }

        var figures = await ReadAsync(BlobName(probeId, kind, period, FiguresFile), cancellationToken);
        var targets = figures is null ? [] : JsonSerializer.Deserialize<List<EvidenceTargetFigures>>(figures, Json) ?? [];
        return new EvidenceDetail(summary, targets);
    }

    /// <summary>
    /// One file of a stored pack for a download, with the name and type it is served with; null when the pack is not
    /// stored or has no such file. The one way to read a pack's files: the API's download and a share link use it.
    /// </summary>
    public async Task<EvidenceDownload?> OpenAsync(string probeId, string kind, string period, string file, CancellationToken cancellationToken)
    {
        if (!Downloads.Contains(file, StringComparer.Ordinal) || await GetAsync(probeId, kind, period, cancellationToken) is not { } summary
            || summary.Files.FirstOrDefault(f => f.Name == file) is not { } info)
        {
            return null;
        }

        var content = await ReadAsync(BlobName(probeId, kind, period, file), cancellationToken);
        return content is null ? null : new EvidenceDownload(info.FileName, info.ContentType, content);
    }

    private async Task UploadAsync(string name, byte[] content, string contentType, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(name).UploadAsync(
            new BinaryData(content), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken);

    private async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var download = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return download.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static EvidenceSummary ToSummary(TableEntity row) => new()
    {
        ProbeId = row.GetString(nameof(EvidenceSummary.ProbeId)) ?? row.PartitionKey,
        Site = row.GetString(nameof(EvidenceSummary.Site)),
        Kind = row.GetString(nameof(EvidenceSummary.Kind)) ?? row.RowKey.Split('|')[0],
        Period = row.GetString(nameof(EvidenceSummary.Period)) ?? row.RowKey.Split('|')[^1],
        FirstDate = DateOnly.ParseExact(row.GetString(nameof(EvidenceSummary.FirstDate)) ?? "2000-01-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        LastDate = DateOnly.ParseExact(row.GetString(nameof(EvidenceSummary.LastDate)) ?? "2000-01-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TimeZone = row.GetString(nameof(EvidenceSummary.TimeZone)) ?? "UTC",
        From = row.GetDateTimeOffset(nameof(EvidenceSummary.From))?.ToUniversalTime() ?? default,
        To = row.GetDateTimeOffset(nameof(EvidenceSummary.To))?.ToUniversalTime() ?? default,
        CreatedAt = row.GetDateTimeOffset(nameof(EvidenceSummary.CreatedAt))?.ToUniversalTime() ?? default,
        Grade = row.GetString(nameof(EvidenceSummary.Grade)),
        Grades = row.GetString(nameof(EvidenceSummary.Grades)) is { Length: > 0 } grades
            ? JsonSerializer.Deserialize<GradeCounts>(grades, Json) ?? new GradeCounts(0, 0, 0, 0, 0, 0)
            : new GradeCounts(0, 0, 0, 0, 0, 0),
        TargetCount = row.GetInt32(nameof(EvidenceSummary.TargetCount)) ?? 0,
        IncidentCount = row.GetInt32(nameof(EvidenceSummary.IncidentCount)) ?? 0,
        OutageCount = row.GetInt32(nameof(EvidenceSummary.OutageCount)) ?? 0,
        WorstTarget = row.GetString(nameof(EvidenceSummary.WorstTarget)),
        WorstTargetGrade = row.GetString(nameof(EvidenceSummary.WorstTargetGrade)),
        WorstTargetLossPercent = row.GetDouble(nameof(EvidenceSummary.WorstTargetLossPercent)),
        WorstTargetP95Ms = row.GetDouble(nameof(EvidenceSummary.WorstTargetP95Ms)),
        Emailed = row.GetBoolean(nameof(EvidenceSummary.Emailed)) ?? false,
        EmailedAt = row.GetDateTimeOffset(nameof(EvidenceSummary.EmailedAt))?.ToUniversalTime(),
        Files = row.GetString(nameof(EvidenceSummary.Files)) is { Length: > 0 } files
            ? JsonSerializer.Deserialize<List<EvidenceFileInfo>>(files, Json) ?? []
            : [],
    };
}
