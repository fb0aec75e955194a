using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Alerts;

/// <summary>
/// The dashboard page a notice links to: the incidents of its target ("#/incidents?target=…", as
/// web/src/router.ts reads it; the dashboard has no page for a single incident). Null when
/// NetPulse:Alerts:DashboardBaseUrl is unset.
/// </summary>
public sealed class DashboardLinks(IOptions<AlertOptions> options)
{
    public Uri? ForIncident(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        if (options.Value.DashboardBaseUrl is not { Length: > 0 } baseUrl)
        {
            return null;
        }

        // The target id as /api/targets spells it (TargetIds.Format): probe, '~', the target's key.
        var targetId = string.Concat(incident.ProbeId, "~", TableKeys.TargetKey(incident.TargetName));
        return new Uri($"{baseUrl.TrimEnd('/')}/#/incidents?target={Uri.EscapeDataString(targetId)}");
    }

    /// <summary>An absolute https address without query or fragment; http only on loopback (a dashboard on this machine).</summary>
    public static bool IsAllowedBase(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
        && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}
