namespace NetPulse.Contracts;

/// <summary>A ping-batch message that cannot be accepted; <see cref="Exception.Message"/> says why.</summary>
public sealed class InvalidPingBatchException : Exception
{
    public InvalidPingBatchException(string reason)
        : base(reason)
    {
    }

    public InvalidPingBatchException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public InvalidPingBatchException()
    {
    }
}
