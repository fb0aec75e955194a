namespace NetPulse.Testing;

/// <summary>
/// When a test that needs something of the machine (root, capabilities, iproute2, fping, a raw socket) may be
/// skipped. On a developer's machine it is skipped with the reason. With <c>CI</c> set it is never skipped: it
/// runs and fails, so a misconfigured CI machine cannot pass without the wire and end-to-end tests.
/// </summary>
public static class RequiredEnvironment
{
    /// <summary>True where the <c>CI</c> variable is set to anything but "false" or "0" (CI always sets it).</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    /// <summary>The skip text for a test that <paramref name="blocker"/> stops (a phrase such as "needs root: …"), or null to run it.</summary>
    public static string? SkipReason(string? blocker) =>
        blocker is null || IsCi ? null : $"Skipped: this test {blocker}.";
}
