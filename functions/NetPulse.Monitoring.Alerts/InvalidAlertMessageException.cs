namespace NetPulse.Monitoring.Alerts;

/// <summary>An alerts-queue message that cannot be sent; <see cref="Exception.Message"/> says why.</summary>
public sealed class InvalidAlertMessageException : Exception
{
    public InvalidAlertMessageException(string reason)
        : base(reason)
    {
    }

    public InvalidAlertMessageException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    public InvalidAlertMessageException()
    {
    }
}
