using NetPulse.Monitoring.Incidents;
using NetPulse.Monitoring.Mail;
using ScottPlot;

namespace NetPulse.Monitoring.Reports;

/// <summary>
/// A target's day as a PNG for the report email, drawn server-side with ScottPlot: median and p95 RTT per
/// step, the threshold, and the downtime shaded. The x axis is elapsed time from local midnight labelled with
/// local clock times, so a 23- or 25-hour day has no fold or gap. Text needs a font on the machine (Debian:
/// fonts-dejavu-core).
/// </summary>
internal static class ReportChart
{
    public const int Width = 760;

    public const int Height = 240;

    private const int TickEveryHours = 3;

    private static readonly Color Median = Color.FromHex("#1f77b4");
    private static readonly Color P95 = Color.FromHex("#9ecae1");
    private static readonly Color Threshold = Color.FromHex("#d62728");
    private static readonly Color Downtime = Color.FromHex("#d62728").WithAlpha(0.18);

    /// <summary>
    /// SkiaSharp's dependency-free native asset cannot ask fontconfig for a family by name, so the sans font
    /// Debian's fonts-dejavu-core installs is registered by its file; elsewhere ScottPlot's default applies.
    /// </summary>
    private static readonly Lazy<string> FontFamily = new(() =>
    {
        const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        if (!File.Exists(DejaVuSans))
        {
            return Fonts.Default;
        }

        Fonts.AddFontFile("DejaVu Sans", DejaVuSans, bold: false, italic: false);
        return "DejaVu Sans";
    });

    public static byte[] RenderPng(TargetDayReport target, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(zone);
        using var plot = new Plot();
        plot.Font.Set(FontFamily.Value);
        var series = target.Series;
        var step = series.StepSeconds / 3600.0;
        var dayHours = series.P50Ms.Count * step;

        foreach (var incident in target.Incidents.Where(i => i.Type == IncidentType.Down))
        {
            var from = Math.Max(0, (incident.Start - series.Start).TotalHours);
            var to = Math.Min(dayHours, ((incident.End ?? series.Start.AddHours(dayHours)) - series.Start).TotalHours);
            if (to > from)
            {
                var span = plot.Add.HorizontalSpan(from, to, Downtime);
                span.LineWidth = 0;
            }
        }

        AddLine(plot, series.P95Ms, step, P95, "p95");
        AddLine(plot, series.P50Ms, step, Median, "median");

        var top = series.P95Ms.Concat(series.P50Ms).OfType<double>().DefaultIfEmpty(0).Max();
        var yMax = Math.Max(1, top * 1.15);
        if (target.LatencyThresholdMs <= yMax * 1.5)
        {
            yMax = Math.Max(yMax, target.LatencyThresholdMs * 1.1);
            var line = plot.Add.HorizontalLine(target.LatencyThresholdMs, 1, Threshold, LinePattern.Dashed);
            line.LegendText = "threshold";
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var hour = 0; hour <= dayHours + 1e-9; hour += TickEveryHours)
        {
            var local = TimeZoneInfo.ConvertTime(series.Start.AddHours(hour), zone);
            ticks.AddMajor(hour, local.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        }

        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimits(0, dayHours, 0, yMax);
        plot.YLabel("RTT (ms)", 12);
        plot.Title(MailText.SingleLine(target.TargetName, maxLength: 60), 14);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>One line per run of steps with a value, so a gap (no reply) shows as a gap; a lone value as a dot.</summary>
    private static void AddLine(Plot plot, IReadOnlyList<double?> values, double step, Color color, string label)
    {
        var labelled = false;
        var i = 0;
        while (i < values.Count)
        {
            if (values[i] is null)
            {
                i++;
                continue;
            }

            var xs = new List<double>();
            var ys = new List<double>();
            for (; i < values.Count && values[i] is { } y; i++)
            {
                xs.Add((i + 0.5) * step);
                ys.Add(y);
            }

            var scatter = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
            scatter.LineWidth = 1.5f;
            scatter.MarkerSize = xs.Count == 1 ? 4 : 0;
            if (!labelled)
            {
                scatter.LegendText = label;
                labelled = true;
            }
        }
    }
}
