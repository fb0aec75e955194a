namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>Compares table dumps (<see cref="IngestionRig.DumpEveryTableAsync"/>) entity by entity, naming each table that differs and how.</summary>
internal static class TableAssert
{
    private const int Shown = 3;

    public static void Same(SortedDictionary<string, List<string>> expected, SortedDictionary<string, List<string>> actual, string context)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.True(
            expected.Keys.SequenceEqual(actual.Keys, StringComparer.Ordinal),
            $"{context}: tables [{string.Join(", ", expected.Keys)}] expected, [{string.Join(", ", actual.Keys)}] found");

        var differences = new List<string>();
        foreach (var (table, lines) in expected)
        {
            var found = actual[table];
            if (lines.SequenceEqual(found, StringComparer.Ordinal))
            {
                continue;
            }

            var missing = lines.Except(found, StringComparer.Ordinal).ToList();
            var extra = found.Except(lines, StringComparer.Ordinal).ToList();
            differences.Add(
                $"table {table}: {lines.Count} entities expected, {found.Count} found; {missing.Count} missing or changed, {extra.Count} unexpected"
                + string.Concat(missing.Take(Shown).Select(l => $"{Environment.NewLine}  - {l}"))
                + string.Concat(extra.Take(Shown).Select(l => $"{Environment.NewLine}  + {l}")));
        }

        Assert.True(differences.Count == 0, $"{context}:{Environment.NewLine}{string.Join(Environment.NewLine, differences)}");
    }
}
