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
/// ingestion and by the probe's signed fetch through <see cref="GetCachedAsync"/>.
/// </summary>
/// <remarks>
/// The cache lives here, beside the writes, so that a registration, a replaced key or a revoke made through this
/// instance drops the probe's cached answer at once; another instance sees it when its entry expires
/// (<see cref="ProbesOptions.KeyCacheDuration"/>, or <see cref="ProbesOptions.UnknownProbeCacheDuration"/> for an id it
/// found unregistered). Known and unknown ids are kept apart, so a flood of bad ids cannot push the fleet's keys out.
/// </remarks>
public sealed class ProbeRegistry
{
    internal const string Partition = "probe";

    private readonly MonitoringTables _tables;
    private readonly TimeProvider _time;
    private readonly IOptions<ProbesOptions> _options;
    private readonly ExpiringLru<RegisteredProbe> _known;
    private readonly ExpiringLru<bool> _unknown;

    public ProbeRegistry(MonitoringTables tables, TimeProvider time, IOptions<ProbesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tables = tables;
        _time = time;
        _options = options;
        _known = new ExpiringLru<RegisteredProbe>(options.Value.KeyCacheSize, time);
        _unknown = new ExpiringLru<bool>(options.Value.KeyCacheSize, time);
    }

    /// <summary>How many registered probes this instance holds in its cache; for tests of the bound.</summary>
    internal int CachedCount => _known.Count;

    /// <summary>How many unregistered ids this instance remembers; for tests of the bound.</summary>
    internal int CachedUnknownCount => _unknown.Count;

    /// <summary>
    /// The probe as registered (null when not), from this instance's cache when it has a fresh answer: one read per
    /// probe per <see cref="ProbesOptions.KeyCacheDuration"/>, and per unknown id per
    /// <see cref="ProbesOptions.UnknownProbeCacheDuration"/>. For trusting a probe's signature; the Admin API reads
    /// <see cref="GetAsync"/>.
    /// </summary>
    public async Task<RegisteredProbe?> GetCachedAsync(string probeId, CancellationToken cancellationToken)
    {
        if (_known.TryGet(probeId, out var cached))
        {
            return cached;
        }

        if (_unknown.TryGet(probeId, out _))
        {
            return null;
        }

        var knownStamp = _known.Stamp();
        var unknownStamp = _unknown.Stamp();
        var probe = await GetAsync(probeId, cancellationToken);
        var options = _options.Value;
        if (probe is null)
        {
            _unknown.Set(probeId, true, options.UnknownProbeCacheDuration, unknownStamp);
        }
        else
        {
            _known.Set(probeId, probe, options.KeyCacheDuration, knownStamp);
        }

        return probe;
    }

    /// <summary>The probe as the table holds it now: one point read.</summary>
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
        try
        {
            return await RegisterUncachedAsync(probeId, publicKey, replace, cancellationToken);
        }
        finally
        {
            // Whatever happened (a write that failed may still have landed), this instance reads the probe afresh.
            Forget(probeId);
        }
    }

    private async Task<Registration> RegisterUncachedAsync(string probeId, byte[] publicKey, bool replace, CancellationToken cancellationToken)
    {
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
        try
        {
            return await RevokeUncachedAsync(probeId, cancellationToken);
        }
        finally
        {
            // A revoke bites on this instance at once: the next batch or fetch reads the row again, and a read under
            // way now cannot store the row as it was before the revoke.
            Forget(probeId);
        }
    }

    /// <summary>Drops this instance's cached answer for <paramref name="probeId"/>, known or unknown.</summary>
    private void Forget(string probeId)
    {
        _known.Invalidate(probeId);
        _unknown.Invalidate(probeId);
    }

    private async Task<RegisteredProbe?> RevokeUncachedAsync(string probeId, CancellationToken cancellationToken)
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
