using NetPulse.Probe.Hosting;

namespace NetPulse.Probe.Tests.Hosting;

public sealed class ProcessMemoryTests
{
    [Fact]
    public void The_status_file_gives_sizes_in_bytes_and_counts_as_they_are()
    {
        const string status = "Name:\tnetpulse-probe\nVmHWM:\t   51200 kB\nVmRSS:\t   40960 kB\nRssAnon:\t   20480 kB\nThreads:\t13\nCpus_allowed_list:\t0-1\n";

        var values = ProcessMemory.ParseStatus(status);

        Assert.Equal(51200L * 1024, values["VmHWM"]);
        Assert.Equal(40960L * 1024, values["VmRSS"]);
        Assert.Equal(20480L * 1024, values["RssAnon"]);
        Assert.Equal(13, values["Threads"]);
        Assert.False(values.ContainsKey("Name"));
        Assert.False(values.ContainsKey("Cpus_allowed_list"));
    }

    [Fact]
    public void A_reading_of_this_process_sees_its_resident_set_and_the_heap()
    {
        GC.Collect();
        var memory = ProcessMemory.Read();

        Assert.True(memory.GcHeapBytes > 0, memory.ToString());
        if (OperatingSystem.IsLinux())
        {
            Assert.InRange(memory.RssBytes, 1, memory.PeakRssBytes);
            Assert.True(memory.Threads > 0, memory.ToString());
        }
    }
}
