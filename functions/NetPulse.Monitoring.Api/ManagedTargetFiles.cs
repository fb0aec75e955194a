using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>One thing wrong with an imported file: the row (a CSV record's line, a JSON item's position, both from 1; null for the file as a whole), the field and why.</summary>
public sealed record ImportRowProblem(int? Row, string Field, string Problem);

/// <summary>Targets read from a file, each with its row, and what could not be read; <see cref="ProbeId"/> when the file named one.</summary>
internal sealed record ImportedTargets(IReadOnlyList<ManagedTarget> Targets, IReadOnlyList<int> Rows, IReadOnlyList<ImportRowProblem> Problems, string? ProbeId)
{
    /// <summary>Problems of <see cref="TargetListRules"/> (indexes into <see cref="Targets"/>) as problems of the file's rows.</summary>
    public IEnumerable<ImportRowProblem> InRows(IEnumerable<TargetProblem> problems) =>
        problems.Select(p => new ImportRowProblem(p.Index is { } i && i < Rows.Count ? Rows[i] : null, p.Field, p.Problem));
}

/// <summary>
/// The managed targets' files: CSV (a header row of the camelCase field names, RFC 4180, text cells neutralised against
/// spreadsheet formulas on the way out and restored on the way in) and JSON (an array of targets or a
/// <see cref="ManagedTargetList"/>, as GET …/target-list and the export write it).
/// </summary>
internal static class ManagedTargetFiles
{
    public const string Name = "name";
    public const string Host = "host";
    public const string IntervalMs = "intervalMs";

    public static readonly IReadOnlyList<string> Columns =
        [Name, Host, "category", "description", "uplink", IntervalMs, "latencyThresholdMs", "lossThresholdPercent", "enabled", "timeoutMs"];

    private static readonly string[] Required = [Name, Host, IntervalMs];

    public static string ToCsv(IEnumerable<ManagedTarget> targets)
    {
        var csv = Csv.AppendRow(new StringBuilder(), Columns);
        foreach (var t in targets)
        {
            Csv.AppendRow(csv,
            [
                Csv.Text(t.Name), Csv.Text(t.Host), Csv.Text(t.Category), Csv.Text(t.Description), Bool(t.Uplink),
                Number(t.IntervalMs), Number(t.LatencyThresholdMs), t.LossThresholdPercent is { } loss ? Csv.Value(loss.ToString(CultureInfo.InvariantCulture)) : "",
                Bool(t.Enabled), Number(t.TimeoutMs),
            ]);
        }

        return csv.ToString();
    }

    public static ImportedTargets FromCsv(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<ImportRowProblem>();
        if (!Csv.TryRead(text.TrimStart('\uFEFF'), out var records, out var errorLine, out var error))
        {
            return new ImportedTargets([], [], [new(errorLine, "csv", error)], null);
        }

        if (records.Count == 0)
        {
            return new ImportedTargets([], [], [new(1, "csv", $"the file is empty; its first row names the columns: {string.Join(",", Columns)}")], null);
        }

        var header = records[0].Cells.Select(c => c.Trim()).ToList();
        foreach (var (column, at) in header.Select((c, i) => (c, i)))
        {
            if (!Columns.Contains(column, StringComparer.Ordinal))
            {
                problems.Add(new(1, column, $"is no column; the columns are {string.Join(",", Columns)} (camelCase)"));
            }
            else if (header.IndexOf(column) != at)
            {
                problems.Add(new(1, column, "is a column twice"));
            }
        }

        problems.AddRange(Required.Where(r => !header.Contains(r)).Select(r => new ImportRowProblem(1, r, "the column is missing")));
        if (problems.Count > 0)
        {
            return new ImportedTargets([], [], problems, null);
        }

        var targets = new List<ManagedTarget>();
        var rows = new List<int>();
        foreach (var record in records.Skip(1))
        {
            if (record.Cells.All(string.IsNullOrEmpty))
            {
                continue;
            }

            if (record.Cells.Count != header.Count)
            {
                problems.Add(new(record.Line, "row", $"has {record.Cells.Count} cells; the header has {header.Count}"));
                continue;
            }

            var cells = header.Select((column, i) => (column, i)).ToDictionary(c => c.column, c => record.Cells[c.i], StringComparer.Ordinal);
            var rowProblems = new List<ImportRowProblem>();
            var target = new ManagedTarget
            {
                Name = Csv.Restore(cells[Name]),
                Host = Csv.Restore(cells[Host]),
                Category = Text(cells, "category"),
                Description = Text(cells, "description"),
                Uplink = Flag(cells, "uplink", false, record.Line, rowProblems),
                IntervalMs = Whole(cells, IntervalMs, record.Line, rowProblems) ?? 0,
                LatencyThresholdMs = Whole(cells, "latencyThresholdMs", record.Line, rowProblems),
                LossThresholdPercent = Fraction(cells, "lossThresholdPercent", record.Line, rowProblems),
                Enabled = Flag(cells, "enabled", true, record.Line, rowProblems),
                TimeoutMs = Whole(cells, "timeoutMs", record.Line, rowProblems),
            };
            if (string.IsNullOrEmpty(cells[IntervalMs]))
            {
                rowProblems.Add(new(record.Line, IntervalMs, "is missing; give the milliseconds between rounds"));
            }

            if (rowProblems.Count > 0)
            {
                problems.AddRange(rowProblems);
                continue;
            }

            targets.Add(target);
            rows.Add(record.Line);
        }

        return new ImportedTargets(targets, rows, problems, null);
    }

    /// <summary>An array of targets, or an object with "targets" (and "probeId"), as the export writes it.</summary>
    /// <exception cref="ApiParameterException">The body is not JSON of either shape.</exception>
    public static ImportedTargets FromJson(ReadOnlyMemory<byte> json, string bodyParameter)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ApiParameterException(bodyParameter, $"the body is not JSON: {ApiRequest.Shorten(ex.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            string? probeId = null;
            JsonElement items;
            if (root.ValueKind == JsonValueKind.Array)
            {
                items = root;
            }
            else if (root.ValueKind == JsonValueKind.Object && Property(root, "targets") is { ValueKind: JsonValueKind.Array } list)
            {
                items = list;
                probeId = Property(root, "probeId") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null;
            }
            else
            {
                throw new ApiParameterException(bodyParameter, "the body must be an array of targets or an object with \"targets\" (as the export writes it)");
            }

            var targets = new List<ManagedTarget>();
            var rows = new List<int>();
            var problems = new List<ImportRowProblem>();
            var row = 0;
            foreach (var item in items.EnumerateArray())
            {
                row++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(new(row, "target", $"is {item.ValueKind.ToString().ToLowerInvariant()}, not an object"));
                    continue;
                }

                var missing = Required.Where(r => Property(item, r) is null or { ValueKind: JsonValueKind.Null }).ToList();
                if (missing.Count > 0)
                {
                    problems.AddRange(missing.Select(m => new ImportRowProblem(row, m, "is missing")));
                    continue;
                }

                try
                {
                    targets.Add(item.Deserialize(ApiJsonContext.Default.ManagedTarget) ?? throw new JsonException("null"));
                    rows.Add(row);
                }
                catch (JsonException ex)
                {
                    var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "target";
                    problems.Add(new(row, field, $"is not of its type: {ApiRequest.Shorten(ex.Message)}"));
                }
            }

            return new ImportedTargets(targets, rows, problems, probeId);
        }
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string? Text(Dictionary<string, string> cells, string column) =>
        cells.TryGetValue(column, out var cell) && cell.Length > 0 ? Csv.Restore(cell) : null;

    private static bool Flag(Dictionary<string, string> cells, string column, bool absent, int line, List<ImportRowProblem> problems)
    {
        if (!cells.TryGetValue(column, out var cell) || cell.Trim().Length == 0)
        {
            return absent;
        }

        if (bool.TryParse(cell.Trim(), out var value))
        {
            return value;
        }

        problems.Add(new(line, column, $"is '{ApiRequest.Shorten(cell)}'; write true or false"));
        return absent;
    }

    private static int? Whole(Dictionary<string, string> cells, string column, int line, List<ImportRowProblem> problems)
    {
        if (!cells.TryGetValue(column, out var cell) || cell.Trim().Length == 0)
        {
            return null;
        }

        if (int.TryParse(cell.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add(new(line, column, $"is '{ApiRequest.Shorten(cell)}', not a whole number"));
        return null;
    }

    private static double? Fraction(Dictionary<string, string> cells, string column, int line, List<ImportRowProblem> problems)
    {
        if (!cells.TryGetValue(column, out var cell) || cell.Trim().Length == 0)
        {
            return null;
        }

        if (double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add(new(line, column, $"is '{ApiRequest.Shorten(cell)}', not a number (a point before decimals)"));
        return null;
    }
}
