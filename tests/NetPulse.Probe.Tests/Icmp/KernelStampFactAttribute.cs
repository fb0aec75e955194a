namespace NetPulse.Probe.Tests.Icmp;

/// <summary>A fact about kernel receive stamps: skipped where they are not read (not 64-bit Linux).</summary>
public sealed class KernelStampFactAttribute : FactAttribute
{
    public KernelStampFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            Skip = "kernel receive stamps are read on 64-bit Linux only";
        }
    }
}
