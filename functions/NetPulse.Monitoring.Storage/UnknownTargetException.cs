namespace NetPulse.Monitoring.Storage;

/// <summary>A reader was asked about a probe or target that no batch ever named (an API answers 404).</summary>
public sealed class UnknownTargetException : Exception
{
    public UnknownTargetException(string message)
        : base(message)
    {
    }

    public UnknownTargetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnknownTargetException()
    {
    }
}
