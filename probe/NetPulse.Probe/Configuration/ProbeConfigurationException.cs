namespace NetPulse.Probe.Configuration;

/// <summary>Configuration the probe cannot start with; the message names the file, the field and the problem.</summary>
public sealed class ProbeConfigurationException : Exception
{
    public ProbeConfigurationException(string message)
        : base(message)
    {
    }

    public ProbeConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProbeConfigurationException()
    {
    }
}
