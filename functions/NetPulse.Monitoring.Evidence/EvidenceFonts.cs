using System.Reflection;
using PdfSharp.Fonts;

namespace NetPulse.Monitoring.Evidence;

/// <summary>
/// PDFsharp's fonts: every family request is answered with the embedded DejaVu Sans (regular or bold; italic is
/// simulated), so a PDF never depends on the fonts a host has installed (Azure's Linux workers have none).
/// </summary>
internal sealed class EvidenceFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";

    private const string Regular = "DejaVuSans.ttf";
    private const string Bold = "DejaVuSans-Bold.ttf";

    private static readonly Lock Gate = new();

    /// <summary>Sets this resolver as PDFsharp's (a process-wide setting, set once before the first font is made).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not EvidenceFonts)
            {
                GlobalFontSettings.FontResolver = new EvidenceFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new(isBold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(EvidenceFonts).Assembly.GetManifestResourceStream(faceName);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
