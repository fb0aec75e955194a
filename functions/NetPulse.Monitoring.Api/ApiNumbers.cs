namespace NetPulse.Monitoring.Api;

/// <summary>Numbers as the API writes them: milliseconds and percents to three decimals (a microsecond, a thousandth of a percent).</summary>
internal static class ApiNumbers
{
    public static double Percent(long part, long whole) => Math.Round(100.0 * part / whole, 3);

    public static double Round(double value) => Math.Round(value, 3);

    public static double? Round(double? value) => value is { } v ? Math.Round(v, 3) : null;
}
