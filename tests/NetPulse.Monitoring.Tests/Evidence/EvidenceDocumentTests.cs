using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetPulse.Monitoring.Evidence;

namespace NetPulse.Monitoring.Tests.Evidence;

/// <summary>
/// The PDF read back by poppler (pdfinfo, pdftotext: scripts/prerequisites.sh, need_pdf_tools) and the CSV parsed:
/// both carry the calculator's figures, and a hostile target name is text in both.
/// </summary>
public sealed class EvidenceDocumentTests
{
    /// <summary>PDF syntax, markup and a spreadsheet formula in one name: each must come out as the same characters.</summary>
    private const string HostileName = "=x) Tj (<b>&\"";

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void The_pdf_opens_and_its_text_holds_the_figures()
    {
        var pack = Pack();
        var pdf = EvidencePdf.Render(pack);

        var path = Path.Combine(Path.GetTempPath(), $"evidence-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            var info = Run("pdfinfo", path);
            var pages = int.Parse(info.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal))[6..].Trim(), CultureInfo.InvariantCulture);
            Assert.True(pages > 1, $"the pack has {pages} pages");

            var text = Run("pdftotext", "-layout", path, "-");
            Assert.Contains("NetPulse evidence pack: home", text);
            Assert.Contains("No path snapshot was taken at any incident start.", text);
            Assert.Contains("2026-W13", text);
            Assert.Contains(HostileName, text);
            foreach (var target in pack.Targets)
            {
                Assert.Contains(EvidenceText.Number(target.Statistics.LossPercent), text);
                Assert.Contains(EvidenceText.Number(target.Statistics.P95Ms, "0.0"), text);
                Assert.Contains($"Hour of day: {target.TargetName}", text);
            }

            // An incident before and one after the clock change, each to the second with its own offset.
            Assert.Contains(pack.Incidents, i => i.Start < new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
            Assert.Contains(pack.Incidents, i => i.Start > new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
            var winter = pack.Incidents.First(i => i.Start < new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
            var summer = pack.Incidents.Last(i => i.Start > new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero));
            Assert.EndsWith("+01:00", EvidenceText.Iso(winter.Start, Berlin));
            Assert.EndsWith("+02:00", EvidenceText.Iso(summer.Start, Berlin));
            Assert.Contains(EvidenceText.Iso(winter.Start, Berlin), text);
            Assert.Contains(EvidenceText.Iso(summer.Start, Berlin), text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_csv_files_hold_the_same_tables()
    {
        var pack = Pack();
        var files = EvidenceCsv.Write(pack).ToDictionary(f => f.FileName[(f.FileName.LastIndexOf('-') + 1)..], f => f.Content);

        var targets = Lines(files["targets.csv"]);
        Assert.Equal(pack.Targets.Count + 1, targets.Length);
        var header = targets[0].Split(',');
        foreach (var target in pack.Targets.Where(t => t.TargetName != HostileName))
        {
            var row = targets.Single(l => l.Contains($",{target.TargetName},", StringComparison.Ordinal)).Split(',');
            Assert.Equal(target.Statistics.Count.ToString(CultureInfo.InvariantCulture), row[Array.IndexOf(header, "sent")]);
            Assert.Equal(target.Statistics.Successes.ToString(CultureInfo.InvariantCulture), row[Array.IndexOf(header, "received")]);
            Assert.Equal(target.Statistics.P95Ms, double.Parse(row[Array.IndexOf(header, "p95_ms")], CultureInfo.InvariantCulture));
        }

        // The formula is neutralised, the quote doubled: one cell that reads as text.
        Assert.Contains(targets, l => l.Contains("\"'=x) Tj (<b>&\"\"\"", StringComparison.Ordinal));

        var heatmap = Lines(files["heatmap.csv"]);
        Assert.Equal(1 + (pack.Targets.Count * 7 * 24), heatmap.Length);
        Assert.Contains(heatmap, l => l.Contains(",2026-03-29,2,false,0,0,,", StringComparison.Ordinal));

        var incidents = Lines(files["incidents.csv"]);
        Assert.Equal(pack.Incidents.Count + 1, incidents.Length);
        Assert.Contains(incidents, l => l.Contains(EvidenceText.Iso(pack.Incidents[0].Start, Berlin), StringComparison.Ordinal));
    }

    private static EvidencePack Pack()
    {
        var period = EvidencePeriod.TryParse("2026-W13", Berlin)!;
        GeneratedTarget[] generated =
        [
            GeneratedTarget.Make("gateway", "lan", uplink: true, period, 10, 11),
            GeneratedTarget.Make("isp-hop", "isp", uplink: false, period, 10, 12),
            GeneratedTarget.Make(HostileName, "internet", uplink: false, period, 10, 13),
        ];
        var targets = generated.Select(g => EvidenceCalculator.Target(g.Target, period, g.Samples, g.Incidents));
        return EvidenceCalculator.Pack("home", "office-berlin", period, period.To.AddHours(7), targets, generated.SelectMany(g => g.Incidents));
    }

    private static string[] Lines(byte[] csv) =>
        Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    internal static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{tool} is missing: install poppler-utils (scripts/prerequisites.sh, need_pdf_tools)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {error}");
            return output.Result;
        }
    }
}
