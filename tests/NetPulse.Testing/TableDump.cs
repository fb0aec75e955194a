using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace NetPulse.Testing;

/// <summary>
/// A table as text, one line per entity in key order, without Timestamp and ETag: two tables compare
/// equal entity by entity when their dumps are equal. Binary properties appear as their SHA-256.
/// </summary>
public static class TableDump
{
    public static async Task<List<string>> LinesAsync(TableClient table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        var lines = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var text = new StringBuilder().Append(entity.PartitionKey).Append(" / ").Append(entity.RowKey);
            foreach (var (key, value) in entity.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (key is "odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")
                {
                    continue;
                }

                text.Append(" | ").Append(key).Append('=').Append(value switch
                {
                    byte[] bytes => Convert.ToHexString(SHA256.HashData(bytes)),
                    BinaryData data => Convert.ToHexString(SHA256.HashData(data.ToArray())),
                    DateTimeOffset time => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => value?.ToString(),
                });
            }

            lines.Add(text.ToString());
        }

        return lines;
    }
}
