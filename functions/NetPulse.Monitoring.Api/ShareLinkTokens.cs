using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NetPulse.Contracts;
using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>What a well-formed share token says: which link, what it shows, until when. Not yet checked against the key.</summary>
public sealed record ShareGrant(string Id, ShareScope Scope, string ProbeId, string Item, DateTimeOffset ExpiresAt)
{
    /// <summary>For a target link, the target's id as the API writes it.</summary>
    public string? TargetId => Scope == ShareScope.Target ? TargetIds.Format(ProbeId, Item) : null;
}

/// <summary>A share token's check: genuine and in time, or why not.</summary>
public enum ShareTokenState
{
    Valid,

    /// <summary>Not made with this server's key (changed, or the key changed): answered like an unknown link.</summary>
    Forged,

    Expired,

    /// <summary>No key is configured here, so no token can be checked.</summary>
    Disabled,
}

/// <summary>
/// Makes and checks share tokens: "&lt;payload&gt;.&lt;signature&gt;", both Base64url. The payload is
/// "np-share-1\n id \n scope \n probe \n item \n expires" (the item a target's key or "kind/period", expires in Unix
/// seconds), so the token itself carries what it shows and until when; the signature is HMAC-SHA256 over the payload
/// with a key derived from <see cref="AcknowledgeLinkOptions.AcknowledgeKey"/>, the one link key NetPulse already keeps in
/// Key Vault (derived, so that no acknowledge signature can ever pass as a share signature). The check compares in
/// constant time, and a forged token is refused before any storage read. The row in <see cref="ShareLinkStore"/> is still
/// read for every use, because a revoke must end a link before it expires.
/// </summary>
public sealed partial class ShareLinkTokens(IOptions<AcknowledgeLinkOptions> keys, TimeProvider time)
{
    /// <summary>Far above any token made here: a longer path is refused before it is decoded.</summary>
    public const int MaxLength = 600;

    private const string Version = "np-share-1";
    private const int SignatureBytes = 32;

    public bool Enabled => keys.Value.AcknowledgeKey is { Length: > 0 };

    /// <summary>A new link id: 128 random bits, Base64url.</summary>
    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Whether <paramref name="id"/> has the shape <see cref="NewId"/> gives.</summary>
    public static bool IsLinkId(string? id) => id is not null && LinkId().IsMatch(id);

    /// <summary>The token of <paramref name="link"/>; only when <see cref="Enabled"/>.</summary>
    public string Issue(ShareLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var payload = Encoding.UTF8.GetBytes(Payload(link.Id, link.Scope, link.ProbeId, link.Item, link.ExpiresAt.ToUnixTimeSeconds()));
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Sign(payload));
    }

    /// <summary>Reads a token's claims without trusting them; false, with what is wrong, for anything <see cref="Issue"/> cannot have made.</summary>
    public static bool TryRead(string? token, out ShareGrant grant, out string problem)
    {
        grant = null!;
        problem = "";
        if (string.IsNullOrEmpty(token) || token.Length > MaxLength)
        {
            problem = $"a share token is the text after #/shared/ in the link, at most {MaxLength} characters";
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot != token.LastIndexOf('.') || !Base64Url.IsValid(token.AsSpan(0, dot)) || !Base64Url.IsValid(token.AsSpan(dot + 1), out var signatureLength)
            || signatureLength != SignatureBytes)
        {
            problem = "a share token is two Base64url parts joined by '.', as the link gave it";
            return false;
        }

        string[] fields;
        try
        {
            fields = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot))).Split('\n');
        }
        catch (FormatException)
        {
            problem = "the share token's first part is not Base64url";
            return false;
        }

        if (fields.Length != 6 || fields[0] != Version || !IsLinkId(fields[1]) || !Enum.TryParse<ShareScope>(fields[2], ignoreCase: false, out var scope)
            || !Enum.IsDefined(scope) || !PingBatchRules.IsValidProbeId(fields[3])
            || !long.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            problem = "the share token does not say what it shows: it was cut short or changed";
            return false;
        }

        string item;
        if (scope == ShareScope.Target)
        {
            if (!TargetIds.TryParse(fields[3] + TargetIds.Separator + fields[4], out _, out var name, out _))
            {
                problem = "the share token does not name a target: it was cut short or changed";
                return false;
            }

            item = name;
        }
        else if (SharePack.TryParse(fields[4], out _, out _))
        {
            item = fields[4];
        }
        else
        {
            problem = "the share token does not name an evidence pack: it was cut short or changed";
            return false;
        }

        grant = new ShareGrant(fields[1], scope, fields[3], item, DateTimeOffset.FromUnixTimeSeconds(expires));
        return true;
    }

    /// <summary>Whether <paramref name="token"/> (already read into <paramref name="grant"/>) was made here and is in time.</summary>
    public ShareTokenState Check(string token, ShareGrant grant)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(grant);
        if (!Enabled)
        {
            return ShareTokenState.Disabled;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
        var signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        if (!CryptographicOperations.FixedTimeEquals(Sign(payload), signature))
        {
            return ShareTokenState.Forged;
        }

        return time.GetUtcNow() >= grant.ExpiresAt ? ShareTokenState.Expired : ShareTokenState.Valid;
    }

    private static string Payload(string id, ShareScope scope, string probeId, string item, long expires) => string.Create(CultureInfo.InvariantCulture,
        $"{Version}\n{id}\n{scope}\n{probeId}\n{(scope == ShareScope.Target ? TableKeys.TargetKey(item) : item)}\n{expires}");

    private byte[] Sign(byte[] payload)
    {
        // The share key: the link key's HMAC of a fixed label, so one secret serves both kinds of link and neither signs for the other.
        var shareKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(keys.Value.AcknowledgeKey!), "NetPulse share links"u8);
        return HMACSHA256.HashData(shareKey, payload);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{22}$", RegexOptions.CultureInvariant)]
    private static partial Regex LinkId();
}

/// <summary>An evidence pack as a share link names it: "week/2026-W13" or "month/2026-03".</summary>
public static partial class SharePack
{
    public static readonly IReadOnlyList<string> Kinds = ["week", "month"];

    /// <summary>The files of a pack a link serves, as <see cref="ISharedPackSource"/> is asked for them.</summary>
    public static readonly IReadOnlyList<string> Files = ["pack.pdf", "targets.csv", "outages.csv", "incidents.csv", "heatmap.csv"];

    public static string Item(string kind, string period) => kind + "/" + period;

    public static bool TryParse(string item, out string kind, out string period)
    {
        ArgumentNullException.ThrowIfNull(item);
        var slash = item.IndexOf('/', StringComparison.Ordinal);
        kind = slash < 0 ? "" : item[..slash];
        period = slash < 0 ? "" : item[(slash + 1)..];
        return Problem(kind, period) is null;
    }

    /// <summary>Null when <paramref name="period"/> is a period of <paramref name="kind"/>; otherwise what is wrong.</summary>
    public static string? Problem(string kind, string period) => kind switch
    {
        "week" => WeekId().IsMatch(period) ? null : $"a week is written as 2026-W13 (ISO year and week); '{ApiRequest.Shorten(period)}' is not",
        "month" => MonthId().IsMatch(period) ? null : $"a month is written as 2026-03; '{ApiRequest.Shorten(period)}' is not",
        _ => $"the kind of pack must be week or month; '{ApiRequest.Shorten(kind)}' is not",
    };

    [GeneratedRegex("^2[0-9]{3}-W(0[1-9]|[1-4][0-9]|5[0-3])$", RegexOptions.CultureInvariant)]
    private static partial Regex WeekId();

    [GeneratedRegex("^2[0-9]{3}-(0[1-9]|1[0-2])$", RegexOptions.CultureInvariant)]
    private static partial Regex MonthId();
}
