using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace NetPulse.Monitoring.Storage;

/// <summary>
/// Each probe's list signal: a blob <c>{probeId}</c> in the container "probe-lists" whose content is the version of the
/// probe's managed list ("" while it has none), rewritten after every change. The probe reads it with a read-only SAS
/// (If-None-Match on its ETag) each refresh, so a quiet minute is a blob 304 rather than a Function execution; a changed
/// ETag sends it to the signed fetch.
/// </summary>
/// <remarks>
/// The SAS reads that one blob and nothing else. It is signed with the account key where the client holds one (Azurite,
/// a connection string), else with a user delegation key (Azure: the app's managed identity, whose Storage Blob Data
/// Owner role includes generateUserDelegationKey), which is cached and renewed well before any SAS it signed expires.
/// </remarks>
public sealed class TargetListSignals : IDisposable
{
    public const string ContainerName = "probe-lists";

    /// <summary>
    /// How long a read SAS lasts: a SAS cannot be revoked on its own, so a day bounds how long a revoked probe can still
    /// read its version blob (a version id and nothing else), while the probe's renewal costs about one signed fetch a day.
    /// </summary>
    public static readonly TimeSpan ReadAccessLifetime = TimeSpan.FromHours(24);

    /// <summary>A SAS starts this much before now: the storage service's clock may run behind this instance's.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A user delegation key lasts at most 7 days; two days lets one key sign a day's SASes and renew a day early.</summary>
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(2);

    private readonly BlobServiceClient _blobs;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _keying = new(1, 1);
    private readonly CreateOnce _createContainer;
    private UserDelegationKey? _delegationKey;

    public TargetListSignals(BlobServiceClient blobs, IOptions<StorageOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _blobs = blobs;
        _time = time;
        // The table prefix keeps test runs and side-by-side installs apart; container names are lowercase.
        Container = blobs.GetBlobContainerClient(options.Value.TablePrefix.ToLowerInvariant() + ContainerName);
        _createContainer = new CreateOnce(ct => Container.CreateIfNotExistsAsync(cancellationToken: ct));
    }

    public BlobContainerClient Container { get; }

    public void Dispose() => _keying.Dispose();

    /// <summary>The probe's signal blob (not a URL it can use: see <see cref="ReadAccessAsync"/>).</summary>
    public BlobClient Of(string probeId) => Container.GetBlobClient(probeId);

    /// <summary>Rewrites the probe's signal with <paramref name="version"/>: its ETag changes, whatever it held before.</summary>
    public async Task RaiseAsync(string probeId, string? version, CancellationToken cancellationToken)
    {
        await _createContainer.EnsureAsync(cancellationToken);
        await Of(probeId).UploadAsync(BinaryData.FromString(version ?? ""), overwrite: true, cancellationToken);
    }

    /// <summary>Writes the probe's signal unless it exists (a probe whose list predates the signals); true when written.</summary>
    public async Task<bool> CreateIfMissingAsync(string probeId, string? version, CancellationToken cancellationToken)
    {
        await _createContainer.EnsureAsync(cancellationToken);
        try
        {
            await Of(probeId).UploadAsync(BinaryData.FromString(version ?? ""), overwrite: false, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>A URL that reads the probe's signal blob and nothing else, for <see cref="ReadAccessLifetime"/>.</summary>
    public async Task<Uri> ReadAccessAsync(string probeId, CancellationToken cancellationToken)
    {
        var blob = Of(probeId);
        var now = _time.GetUtcNow();
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, now + ReadAccessLifetime)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            StartsOn = now - ClockSkew,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await DelegationKeyAsync(now, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, _blobs.AccountName) }.ToUri();
    }

    /// <summary>Whether a delegation key ending at <paramref name="keyExpiresOn"/> can still sign a SAS made at <paramref name="now"/>.</summary>
    internal static bool CanSign(DateTimeOffset keyExpiresOn, DateTimeOffset now) =>
        keyExpiresOn - now > ReadAccessLifetime + TimeSpan.FromHours(1);

    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_delegationKey is { } cached && CanSign(cached.SignedExpiresOn, now))
        {
            return cached;
        }

        await _keying.WaitAsync(cancellationToken);
        try
        {
            if (_delegationKey is not { } key || !CanSign(key.SignedExpiresOn, now))
            {
                var options = new BlobGetUserDelegationKeyOptions(now + DelegationKeyLifetime) { StartsOn = now - ClockSkew };
                key = await _blobs.GetUserDelegationKeyAsync(options, cancellationToken);
                _delegationKey = key;
            }

            return key;
        }
        finally
        {
            _keying.Release();
        }
    }
}
