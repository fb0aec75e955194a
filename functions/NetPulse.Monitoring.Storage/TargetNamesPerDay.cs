using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Microsoft.Extensions.Caching.Memory;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Counts the distinct target names of each probe per UTC day, in one row per probe and day of the probe's partition
/// of the targets table (64-bit hashes of the names, so a day of 1,000 names is 8 KB). A batch whose names are known
/// for the day costs nothing (the day's names stay in memory); new names cost a point read and a conditional write.
/// </summary>
internal sealed class TargetNamesPerDay : IDisposable
{
    private const int MaxAttempts = 5;

    private readonly MonitoringTables _tables;
    private readonly MemoryCache _known;

    public TargetNamesPerDay(MonitoringTables tables, IOptions<LimitsOptions> limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _tables = tables;
        _known = new MemoryCache(new MemoryCacheOptions { SizeLimit = limits.Value.MaxCachedProbes });
    }

    public void Dispose() => _known.Dispose();

    /// <summary>
    /// Adds the names to the probe's count for <paramref name="day"/> unless that would take it past
    /// <paramref name="cap"/>: null when added (or already known), else the count the names would have made, with
    /// nothing written.
    /// </summary>
    public async Task<int?> TryAddAsync(string probeId, DateTimeOffset day, IEnumerable<string> names, int cap, CancellationToken cancellationToken)
    {
        var hashes = names.Select(Hash).ToHashSet();
        var key = (probeId, TableKeys.Day(day));
        if (_known.TryGetValue(key, out HashSet<ulong>? known) && known is not null && hashes.IsSubsetOf(known))
        {
            return null;
        }

        await _tables.EnsureCreatedAsync(cancellationToken);
        var partition = TableKeys.TargetsPartition(probeId);
        var rowKey = TableKeys.TargetNamesRow(day);
        for (var attempt = 1; ; attempt++)
        {
            var row = await _tables.Targets.GetEntityIfExistsAsync<TargetNamesEntity>(partition, rowKey, cancellationToken: cancellationToken);
            var stored = row.HasValue ? Unpack(row.Value!.Hashes) : [];
            var union = new HashSet<ulong>(stored);
            union.UnionWith(hashes);
            if (union.Count > cap)
            {
                return union.Count;
            }

            if (union.Count > stored.Count)
            {
                // Sorted, so the row's content depends on the names alone, not on the order batches came in.
                var entity = new TargetNamesEntity { PartitionKey = partition, RowKey = rowKey, ProbeId = probeId, Count = union.Count, Hashes = Pack(union) };
                try
                {
                    if (row.HasValue)
                    {
                        await _tables.Targets.UpdateEntityAsync(entity, row.Value!.ETag, Azure.Data.Tables.TableUpdateMode.Replace, cancellationToken);
                    }
                    else
                    {
                        await _tables.Targets.AddEntityAsync(entity, cancellationToken);
                    }
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Another instance added names meanwhile: count again on its row.
                    continue;
                }
            }

            _known.Set(key, union, new MemoryCacheEntryOptions { Size = 1 });
            return null;
        }
    }

    internal static ulong Hash(string name) => BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static HashSet<ulong> Unpack(byte[] packed)
    {
        var set = new HashSet<ulong>(packed.Length / sizeof(ulong));
        for (var i = 0; i + sizeof(ulong) <= packed.Length; i += sizeof(ulong))
        {
            set.Add(BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(i)));
        }

        return set;
    }

    private static byte[] Pack(HashSet<ulong> hashes)
    {
        var packed = new byte[hashes.Count * sizeof(ulong)];
        var i = 0;
        foreach (var hash in hashes.Order())
        {
            BinaryPrimitives.WriteUInt64LittleEndian(packed.AsSpan(i), hash);
            i += sizeof(ulong);
        }

        return packed;
    }
}
