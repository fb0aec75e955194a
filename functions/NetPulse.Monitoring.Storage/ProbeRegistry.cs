using Azure;
using Azure.Data.Tables;
using NetPulse.Contracts;

namespace NetPulse.Monitoring.Storage;

/// <summary>A probe as registered: its public key (Base64 SubjectPublicKeyInfo DER) and key id, and whether it is revoked.</summary>
public sealed record RegisteredProbe(string Id, string KeyId, string PublicKey, DateTimeOffset RegisteredAt, DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;

    public byte[] PublicKeyDer() => Convert.FromBase64String(PublicKey);
}

/// <summary>What a registration did, or why it did nothing.</summary>
public enum RegistrationOutcome
{
    /// <summary>A probe id not registered before (or only revoked before) now has this key.</summary>
    Created,

    /// <summary>The probe's active key was replaced, as asked.</summary>
    Replaced,

    /// <summary>The probe already had exactly this key, active: nothing changed.</summary>
    Unchanged,

    /// <summary>The probe has another active key and replacing it was not asked for.</summary>
    KeyConflict,

    /// <summary>This very key was revoked for the probe; a revoked key never comes back, the probe must enrol a new one.</summary>
    KeyRevoked,

    /// <summary><see cref="ProbesOptions.MaxProbes"/> probes are registered already.</summary>
    LimitReached,
}

/// <summary>The outcome of <see cref="ProbeRegistry.RegisterAsync"/> and the probe's row as it is now (null when none).</summary>
public sealed record Registration(RegistrationOutcome Outcome, RegisteredProbe? Probe);

/// <summary>
/// The probes table: which probes may send batches and with which public key. One partition (a deployment has
/// tens of probes, <see cref="ProbesOptions.MaxProbes"/>), the probe id as row key. Written by the API, read by
/// ingestion through its cache.
/// </summary>
public sealed class ProbeRegistry
{
    internal const string Partition = "probe";

    private readonly MonitoringTables _tables;
    private readonly TimeProvider _time;
    private readonly IOptions<ProbesOptions> _options;

    public ProbeRegistry(MonitoringTables tables, TimeProvider time, IOptions<ProbesOptions> options)
    {
        _tables = tables;
        _time = time;
        _options = options;
    }

    public async Task<RegisteredProbe?> GetAsync(string probeId, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var row = await _tables.Probes.GetEntityIfExistsAsync<RegisteredProbeEntity>(Partition, probeId, cancellationToken: cancellationToken);
        return row.HasValue ? ToProbe(row.Value!) : null;
    }

    /// <summary>Every registered probe, revoked ones included, by id.</summary>
    public async Task<IReadOnlyList<RegisteredProbe>> ListAsync(CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var probes = new List<RegisteredProbe>();
        await foreach (var row in _tables.Probes.QueryAsync<RegisteredProbeEntity>(
                           TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            probes.Add(ToProbe(row));
        }

        return probes;
    }

    /// <summary>
    /// Registers <paramref name="publicKey"/> (SubjectPublicKeyInfo DER, already checked) for <paramref name="probeId"/>
    /// (already checked). Two registrations racing for one id cannot both win: the loser gets <see cref="RegistrationOutcome.KeyConflict"/>.
    /// </summary>
    public async Task<Registration> RegisterAsync(string probeId, byte[] publicKey, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        await _tables.EnsureCreatedAsync(cancellationToken);
        var keyId = ProbeKeys.KeyId(publicKey);
        var row = await _tables.Probes.GetEntityIfExistsAsync<RegisteredProbeEntity>(Partition, probeId, cancellationToken: cancellationToken);
        var existing = row.HasValue ? row.Value! : null;
        if (existing is not null)
        {
            if (existing.KeyId == keyId)
            {
                return new Registration(existing.RevokedAt is null ? RegistrationOutcome.Unchanged : RegistrationOutcome.KeyRevoked, ToProbe(existing));
            }

            if (existing.RevokedAt is null && !replace)
            {
                return new Registration(RegistrationOutcome.KeyConflict, ToProbe(existing));
            }
        }

        if (existing is null or { RevokedAt: not null })
        {
            var active = (await ListAsync(cancellationToken)).Count(p => !p.IsRevoked);
            if (active >= _options.Value.MaxProbes)
            {
                return new Registration(RegistrationOutcome.LimitReached, existing is null ? null : ToProbe(existing));
            }
        }

        var entity = new RegisteredProbeEntity
        {
            PartitionKey = Partition,
            RowKey = probeId,
            KeyId = keyId,
            PublicKey = Convert.ToBase64String(publicKey),
            RegisteredAt = _time.GetUtcNow(),
            RevokedAt = null,
        };
        try
        {
            if (existing is null)
            {
                await _tables.Probes.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await _tables.Probes.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Another registration of this id came first.
            return new Registration(RegistrationOutcome.KeyConflict, await GetAsync(probeId, cancellationToken));
        }

        var outcome = existing is { RevokedAt: null } ? RegistrationOutcome.Replaced : RegistrationOutcome.Created;
        return new Registration(outcome, ToProbe(entity));
    }

    /// <summary>Revokes the probe's key; revoking again keeps the first time. Null when no such probe is registered.</summary>
    public async Task<RegisteredProbe?> RevokeAsync(string probeId, CancellationToken cancellationToken)
    {
        await _tables.EnsureCreatedAsync(cancellationToken);
        var row = await _tables.Probes.GetEntityIfExistsAsync<RegisteredProbeEntity>(Partition, probeId, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return null;
        }

        var entity = row.Value!;
        if (entity.RevokedAt is null)
        {
            entity.RevokedAt = _time.GetUtcNow();

            // Unconditional: a revoke must win over a registration racing it.
            await _tables.Probes.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        return ToProbe(entity);
    }

    private static RegisteredProbe ToProbe(RegisteredProbeEntity row) =>
        new(row.RowKey, row.KeyId, row.PublicKey, row.RegisteredAt, row.RevokedAt);
}

/// <summary>A registered probe in the probes table (PK <see cref="ProbeRegistry.Partition"/>, RK the probe id).</summary>
internal sealed class RegisteredProbeEntity : MonitoringEntity
{
    /// <summary>Base64 of the public key's SubjectPublicKeyInfo DER.</summary>
    public string PublicKey { get; set; } = "";

    public string KeyId { get; set; } = "";

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
