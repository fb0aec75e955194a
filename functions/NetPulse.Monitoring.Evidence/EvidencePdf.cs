using System.Globalization;
using NetPulse.Contracts;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using static NetPulse.Monitoring.Evidence.EvidenceText;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// The evidence pack as a PDF (PDFsharp, landscape A4): title and grade, the percentile table, loss bursts and
/// outages, the control targets side by side, the incident log, path snapshots, and per target the hour-of-day
/// heatmaps of loss and p95 RTT. Every text from config is drawn as text (<see cref="EvidenceText.Plain"/>), never parsed.
/// </summary>
internal static class EvidencePdf
{
    /// <summary>Rows listed per table before "… and N more": a flapping month must not make a thousand pages.</summary>
    public const int MaxRowsPerTable = 300;

    /// <summary>Paths printed in full at most; the rest are named in one line each.</summary>
    public const int MaxPathsPrinted = 20;

    private const double PageWidth = 842;
    private const double PageHeight = 595;
    private const double Margin = 36;

    private static readonly XColor NoDataColor = XColor.FromArgb(224, 224, 224);

    /// <summary>Best to worst; a cell's colour is the first whose limit it does not pass.</summary>
    private static readonly XColor[] Scale =
    [
        XColor.FromArgb(46, 125, 50), XColor.FromArgb(156, 204, 101), XColor.FromArgb(253, 216, 53),
        XColor.FromArgb(251, 140, 0), XColor.FromArgb(230, 74, 25), XColor.FromArgb(183, 28, 28),
    ];

    private static readonly double[] LossLimits = [0, 0.5, 1, 2, 5];

    /// <summary>Multiples of the target's latency threshold.</summary>
    private static readonly double[] LatencyLimits = [0.5, 1, 1.5, 2, 4];

    public static byte[] Render(EvidencePack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        EvidenceFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = Plain($"NetPulse evidence pack {pack.ProbeId} {pack.Period.Id}", 200);
        document.Info.Creator = "NetPulse";
        var page = new Layout(document);

        Title(page, pack);
        Percentiles(page, pack);
        Bursts(page, pack);
        Controls(page, pack);
        Incidents(page, pack);
        Paths(page, pack);
        foreach (var target in pack.Targets)
        {
            Heatmaps(page, pack, target);
        }

        page.Finish();
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Title(Layout page, EvidencePack pack)
    {
        var period = pack.Period;
        page.Heading($"NetPulse evidence pack: {Plain(pack.ProbeId)}", 16);
        page.Line($"Probe: {Plain(pack.ProbeId)}    Site: {(pack.Site is { Length: > 0 } site ? Plain(site) : "not reported")}");
        page.Line(string.Create(CultureInfo.InvariantCulture,
            $"Period: {(period.Kind == EvidencePeriodKind.Week ? "week" : "month")} {period.Id}, {period.FirstDate:yyyy-MM-dd} to {period.LastDate:yyyy-MM-dd} in {period.Zone.Id}: {Iso(period.From, period.Zone)} to {Iso(period.To, period.Zone)} ({period.Length.TotalHours:0} hours)"));
        page.Line($"Generated: {Iso(pack.GeneratedAt, period.Zone)}");
        var g = pack.Grades;
        page.Line(string.Create(CultureInfo.InvariantCulture,
            $"Grade: {pack.Grade?.ToString() ?? "none"} (the worst target's).  Targets graded A {g.A}, B {g.B}, C {g.C}, D {g.D}, F {g.F}, ungraded {g.Ungraded}."), bold: true);
        page.Line("Figures from every stored round (raw samples). Percentiles are nearest-rank RTTs; jitter is the mean absolute difference of consecutive replies;");
        page.Line("MOS is an ITU-T G.107 E-model estimate; an outage is a loss burst of 30 s or more; coverage is rounds stored in percent of rounds expected.");
        page.Gap();
    }

    private static void Percentiles(Layout page, EvidencePack pack)
    {
        page.Heading("Loss and latency per target");
        page.Table(
            [("Target", 110), ("Role", 58), ("Sent", 46), ("Received", 46), ("Loss %", 40), ("p50 ms", 42), ("p95 ms", 42), ("p99 ms", 42),
             ("Max ms", 44), ("Jitter ms", 44), ("MOS", 30), ("Longest burst", 60), ("Outages", 40), ("Coverage %", 56), ("Uptime %", 42), ("Grade", 28)],
            pack.Targets.Select(t => new[]
            {
                Plain(t.TargetName), Role(t.Role), Number(t.Statistics.Count), Number(t.Statistics.Successes), Number(t.Statistics.LossPercent),
                Number(t.Statistics.P50Ms, "0.0"), Number(t.Statistics.P95Ms, "0.0"), Number(t.Statistics.P99Ms, "0.0"), Number(t.Statistics.MaxMs, "0.0"),
                Number(t.Statistics.JitterMs, "0.0"), Number(t.MeanOpinionScore, "0.00"), t.LongestLossBurst is { } b ? Duration(b.Duration) : "none",
                Number(t.Outages.Count), Number(t.CoveragePercent, "0.0"), Number(t.UptimePercent, "0.000"), t.Grade?.ToString() ?? "–",
            }));
        foreach (var t in pack.Targets.Where(t => t.Grade is not null and not Reports.ReportGrade.A))
        {
            page.Line($"{Plain(t.TargetName)}: {Plain(t.GradeReason, 200)}", size: 7.5);
        }

        page.Gap();
    }

    private static void Bursts(Layout page, EvidencePack pack)
    {
        var zone = pack.Period.Zone;
        page.Heading("Longest loss burst and outages (loss bursts of 30 s or more)");
        var rows = pack.Targets
            .SelectMany(t => t.Outages.Select(o => (Target: t, Burst: o, Kind: "outage"))
                .Concat(t.LongestLossBurst is { } longest && !t.Outages.Contains(longest) ? [(t, longest, "longest burst")] : []))
            .OrderBy(r => r.Burst.Start)
            .Select(r => new[] { Plain(r.Target.TargetName), r.Kind, Iso(r.Burst.Start, zone), Iso(r.Burst.End, zone), Duration(r.Burst.Duration), Number(r.Burst.Rounds) });
        page.Table([("Target", 150), ("What", 80), ("Start", 130), ("End", 130), ("Duration", 90), ("Failed rounds", 70)], rows, emptyText: "No failed round in the period.");
        page.Gap();
    }

    private static void Controls(Layout page, EvidencePack pack)
    {
        page.Heading("Control targets side by side (gateway/uplink, ISP edge, internet)");
        var controls = pack.Targets.Where(t => t.Role != ControlRole.Other).OrderBy(t => t.Role).ThenBy(t => t.TargetName, StringComparer.Ordinal).Take(6).ToList();
        if (controls.Count == 0)
        {
            page.Line("No control targets: give targets the category \"lan\" (or the Uplink flag), \"isp\" and \"internet\" to compare them here.");
            page.Gap();
            return;
        }

        (string Label, Func<TargetEvidence, string> Value)[] rows =
        [
            ("Role", t => Role(t.Role)), ("Host", t => Plain(t.Settings.Host, 40)), ("Loss %", t => Number(t.Statistics.LossPercent)),
            ("p50 ms", t => Number(t.Statistics.P50Ms, "0.0")), ("p95 ms", t => Number(t.Statistics.P95Ms, "0.0")),
            ("Jitter ms", t => Number(t.Statistics.JitterMs, "0.0")), ("MOS", t => Number(t.MeanOpinionScore, "0.00")),
            ("Outages", t => Number(t.Outages.Count)), ("Longest burst", t => t.LongestLossBurst is { } b ? Duration(b.Duration) : "none"),
            ("Coverage %", t => Number(t.CoveragePercent, "0.0")), ("Grade", t => t.Grade?.ToString() ?? "–"),
        ];
        var width = Math.Min(130, (PageWidth - 2 * Margin - 90) / controls.Count);
        page.Table(
            [("", 90), .. controls.Select(t => (Plain(t.TargetName, 24), width))],
            rows.Select(r => new[] { r.Label }.Concat(controls.Select(r.Value)).ToArray()));
        page.Gap();
    }

    private static void Incidents(Layout page, EvidencePack pack)
    {
        var zone = pack.Period.Zone;
        page.Heading($"Incident log (times in {pack.Period.Zone.Id}, ISO 8601 with offset)");
        var rows = pack.Incidents.Select(i => new[]
        {
            Iso(i.Start, zone), i.End is { } end ? Iso(end, zone) : "open", i.End is { } e ? Duration(e - i.Start) : "open",
            Type(i.Type), i.TargetName.Length == 0 ? "(probe)" : Plain(i.TargetName),
            i.PeakValue is { } peak ? $"{Number(peak, "0.##")} / {Number(i.Threshold, "0.##")}" : "", i.Planned ? "planned" : "",
        });
        page.Table([("Start", 130), ("End", 130), ("Duration", 90), ("Type", 70), ("Target", 150), ("Peak / threshold", 90), ("", 50)], rows, emptyText: "No incidents in the period.");
        if (pack.IncidentsNotListed > 0)
        {
            page.Line($"… and {Number(pack.IncidentsNotListed)} more incidents (see the CSV).");
        }

        page.Gap();
    }

    /// <summary>
    /// The path to the target at each incident's start, as MTR prints it (numeric, sent and received per hop), with the
    /// first hop from which loss persists to the destination marked (<see cref="PathAnalysis.FirstPersistentLossHop"/>).
    /// </summary>
    private static void Paths(Layout page, EvidencePack pack)
    {
        var zone = pack.Period.Zone;
        page.Heading("Path snapshots at incident start");
        var withTarget = pack.Incidents.Where(i => i.TargetName.Length > 0).ToList();
        if (!withTarget.Any(i => i.Path is not null))
        {
            page.Line(withTarget.Count == 0 ? "No target incidents in the period, so no path snapshot." : "No path snapshot was taken at any incident start.");
            page.Gap();
            return;
        }

        var printed = 0;
        foreach (var incident in withTarget)
        {
            var title = $"{Iso(incident.Start, zone)} {Type(incident.Type)} {Plain(incident.TargetName)}";
            if (incident.Path is not { } path)
            {
                page.Line($"{title}: no path snapshot.");
                continue;
            }

            if (printed++ >= MaxPathsPrinted)
            {
                page.Line($"{title}: path snapshot of {Iso(path.StartedAt, zone)} not printed (at most {MaxPathsPrinted} per pack).");
                continue;
            }

            var finding = PathAnalysis.FirstPersistentLossHop(path);
            page.NewPageUnlessRoom(40 + (Math.Min(path.Hops.Count, 30) + 2) * 11);
            page.Line(string.Create(CultureInfo.InvariantCulture,
                $"{title}: path to {Plain(path.Destination)} taken {Iso(path.StartedAt, zone)}, {path.Cycles} cycles per hop, destination {(path.ReachedDestination ? "reached" : "not reached")}."), bold: true);
            page.Table(
                [("Hop", 30), ("Address", 200), ("Sent", 40), ("Recv", 40), ("Loss %", 45), ("Best ms", 50), ("Avg ms", 50), ("Worst ms", 50), ("StDev ms", 50), ("", 140)],
                path.Hops.Select(h => new[]
                {
                    Number(h.Ttl), h.Address is { } address ? Plain(address) + (h.OtherAddresses is { Count: > 0 } others ? $" (+{others.Count})" : "") : "???",
                    Number(h.Sent), Number(h.Received), Number(h.LossPercent, "0.0"), Number(h.BestMs, "0.0"), Number(h.AverageMs, "0.0"),
                    Number(h.WorstMs, "0.0"), Number(h.StdDevMs, "0.0"), finding?.Ttl == h.Ttl ? "◀ loss persists from here" : "",
                }));
            var reading = finding is null
                ? "No loss persists to the destination. Loss at a middle hop alone is ICMP rate limiting, not a fault."
                : Plain(finding.Explanation, 400);
            foreach (var sentence in reading.Split(". ", StringSplitOptions.RemoveEmptyEntries))
            {
                page.Line(sentence.EndsWith('.') ? sentence : sentence + ".", size: 7.5);
            }

            page.Gap();
        }
    }

    private static void Heatmaps(Layout page, EvidencePack pack, TargetEvidence target)
    {
        var dates = target.Heatmap.Select(c => c.Date).Distinct().ToList();
        const double cell = 12;
        const double label = 62;
        var height = 40 + (dates.Count + 1) * cell + 40;
        page.NewPageUnlessRoom(height);
        page.Heading($"Hour of day: {Plain(target.TargetName)} ({Role(target.Role)}), local hours in {pack.Period.Zone.Id}");
        var top = page.Y;
        var gridWidth = label + 24 * cell;
        Grid(page, target, dates, Margin, top, "Loss %", c => c.LossPercent is { } loss ? Colour(loss, LossLimits) : null);
        Grid(page, target, dates, Margin + gridWidth + 40, top, $"p95 RTT (threshold {Number(target.LatencyThresholdMs, "0.#")} ms)",
            c => c.P95Ms is { } p95 ? Colour(p95 / target.LatencyThresholdMs, LatencyLimits) : c.HasData ? Scale[^1] : null);
        page.Y = top + 14 + (dates.Count + 1) * cell + 6;
        Legend(page);
        page.Gap();
    }

    private static void Grid(Layout page, TargetEvidence target, List<DateOnly> dates, double left, double top, string title, Func<HeatmapCell, XColor?> colour)
    {
        const double cell = 12;
        const double label = 62;
        var gfx = page.Graphics;
        page.Text(title, left, top, 8, bold: true);
        var y0 = top + 14;
        for (var hour = 0; hour < 24; hour++)
        {
            page.Text(hour.ToString("00", CultureInfo.InvariantCulture), left + label + hour * cell + 1, y0, 6);
        }

        var byKey = target.Heatmap.ToDictionary(c => (c.Date, c.Hour));
        for (var d = 0; d < dates.Count; d++)
        {
            var y = y0 + (d + 1) * cell;
            page.Text(dates[d].ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture), left, y + 2, 6);
            for (var hour = 0; hour < 24; hour++)
            {
                var c = byKey[(dates[d], hour)];
                var x = left + label + hour * cell;
                DrawCell(gfx, x, y, cell, c.HourExists ? colour(c) : null, c.HourExists);
            }
        }
    }

    /// <summary>A coloured cell; "no data" is grey and hatched, an hour the clocks skipped is white and crossed out.</summary>
    private static void DrawCell(XGraphics gfx, double x, double y, double size, XColor? colour, bool exists)
    {
        var border = new XPen(XColors.White, 0.5);
        if (!exists)
        {
            gfx.DrawRectangle(XBrushes.White, x, y, size, size);
            var pen = new XPen(XColors.Gray, 0.6);
            gfx.DrawLine(pen, x + 2, y + 2, x + size - 2, y + size - 2);
            gfx.DrawLine(pen, x + size - 2, y + 2, x + 2, y + size - 2);
        }
        else if (colour is { } fill)
        {
            gfx.DrawRectangle(new XSolidBrush(fill), x, y, size, size);
        }
        else
        {
            gfx.DrawRectangle(new XSolidBrush(NoDataColor), x, y, size, size);
            var hatch = new XPen(XColors.DarkGray, 0.5);
            gfx.DrawLine(hatch, x, y + size, x + size, y);
            gfx.DrawLine(hatch, x, y + size / 2, x + size / 2, y);
            gfx.DrawLine(hatch, x + size / 2, y + size, x + size, y + size / 2);
        }

        gfx.DrawRectangle(border, x, y, size, size);
    }

    private static void Legend(Layout page)
    {
        string[] loss = ["0 %", "≤ 0.5 %", "≤ 1 %", "≤ 2 %", "≤ 5 %", "> 5 %"];
        string[] latency = ["≤ T/2", "≤ T", "≤ 1.5 T", "≤ 2 T", "≤ 4 T", "> 4 T"];
        var x = Margin;
        var y = page.Y;
        page.Text("Legend (loss / p95 against the threshold T):", x, y + 1, 7, bold: true);
        x += 190;
        for (var i = 0; i < Scale.Length; i++)
        {
            DrawCell(page.Graphics, x, y, 10, Scale[i], exists: true);
            page.Text($"{loss[i]} / {latency[i]}", x + 12, y + 1, 6.5);
            x += 70;
        }

        DrawCell(page.Graphics, x, y, 10, null, exists: true);
        page.Text("no data", x + 12, y + 1, 6.5);
        DrawCell(page.Graphics, x + 50, y, 10, null, exists: false);
        page.Text("hour skipped (clock change)", x + 62, y + 1, 6.5);
        page.Y = y + 14;
    }

    private static XColor Colour(double value, double[] limits)
    {
        for (var i = 0; i < limits.Length; i++)
        {
            if (value <= limits[i])
            {
                return Scale[i];
            }
        }

        return Scale[^1];
    }

    /// <summary>Pages, a cursor down them, text and tables; a new page when the next thing does not fit.</summary>
    private sealed class Layout
    {
        private readonly PdfDocument _document;
        private XGraphics? _graphics;

        public Layout(PdfDocument document)
        {
            _document = document;
            NewPage();
        }

        public double Y { get; set; }

        public XGraphics Graphics => _graphics!;

        public void NewPage()
        {
            _graphics?.Dispose();
            var page = _document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            _graphics = XGraphics.FromPdfPage(page);
            Y = Margin;
        }

        public void NewPageUnlessRoom(double height)
        {
            if (Y + height > PageHeight - Margin)
            {
                NewPage();
            }
        }

        public void Finish() => _graphics?.Dispose();

        public void Gap() => Y += 8;

        public void Heading(string text, double size = 11)
        {
            NewPageUnlessRoom(size + 30);
            Text(text, Margin, Y, size, bold: true);
            Y += size + 6;
        }

        public void Line(string text, double size = 8.5, bool bold = false)
        {
            NewPageUnlessRoom(size + 4);
            Text(text, Margin, Y, size, bold);
            Y += size + 4;
        }

        public void Text(string text, double x, double y, double size, bool bold = false) =>
            Graphics.DrawString(text, new XFont(EvidenceFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular), XBrushes.Black,
                new XRect(x, y, PageWidth - x, size * 1.4), XStringFormats.TopLeft);

        public void Table((string Header, double Width)[] columns, IEnumerable<string[]> rows, string? emptyText = null)
        {
            const double size = 7.5;
            const double height = 11;
            void Header()
            {
                var x = Margin;
                Graphics.DrawRectangle(new XSolidBrush(XColor.FromArgb(238, 238, 238)), Margin, Y - 1, columns.Sum(c => c.Width), height);
                foreach (var (header, width) in columns)
                {
                    Cell(header, x, width, size, bold: true);
                    x += width;
                }

                Y += height;
            }

            NewPageUnlessRoom(3 * height);
            Header();
            var count = 0;
            var more = 0;
            foreach (var row in rows)
            {
                if (count == MaxRowsPerTable)
                {
                    more++;
                    continue;
                }

                if (Y + height > PageHeight - Margin)
                {
                    NewPage();
                    Header();
                }

                var x = Margin;
                for (var i = 0; i < columns.Length; i++)
                {
                    Cell(i < row.Length ? row[i] : "", x, columns[i].Width, size, bold: false);
                    x += columns[i].Width;
                }

                Y += height;
                count++;
            }

            if (count == 0 && emptyText is not null)
            {
                Line(emptyText);
            }

            if (more > 0)
            {
                Line($"… and {Number(more)} more rows (see the CSV).");
            }
        }

        /// <summary>Text cut to its column: shortened with an ellipsis until it fits.</summary>
        private void Cell(string text, double x, double width, double size, bool bold)
        {
            var font = new XFont(EvidenceFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
            var fitted = text;
            while (fitted.Length > 1 && Graphics.MeasureString(fitted, font).Width > width - 3)
            {
                fitted = fitted[..^2] + "…";
            }

            Graphics.DrawString(fitted, font, XBrushes.Black, new XRect(x + 1, Y, width - 2, 10), XStringFormats.TopLeft);
        }
    }
}
