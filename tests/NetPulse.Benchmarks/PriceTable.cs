namespace NetPulse.Benchmarks;

/// <summary>
/// The prices the cost benchmark uses, in US$, each with where it comes from. Check them against the Azure
/// pricing pages for your region before relying on the result; the request counts are what was measured.
/// </summary>
internal static class PriceTable
{
    /// <summary>Hours in the 30-day month the design's figures use.</summary>
    public const double HoursPerMonth = 30 * 24;

    /// <summary>Flex Consumption, on demand: per million executions.</summary>
    public const double ExecutionsPerMillion = 0.40;

    /// <summary>Flex Consumption, on demand: executions free per month and subscription.</summary>
    public const double FreeExecutionsPerMonth = 250_000;

    /// <summary>Flex Consumption, on demand: per GB-second of instance memory while executing.</summary>
    public const double PerGigabyteSecond = 0.000026;

    /// <summary>Flex Consumption, on demand: GB-seconds free per month and subscription.</summary>
    public const double FreeGigabyteSecondsPerMonth = 100_000;

    /// <summary>Flex Consumption bills an activity period (executions running on an instance) as at least this long...</summary>
    public const double MinimumBillableSeconds = 1.0;

    /// <summary>...and rounds it up to this step.</summary>
    public const double BillableStepSeconds = 0.1;

    /// <summary>infra/main.bicep's functionInstanceMemoryMB (the smallest Flex Consumption instance).</summary>
    public const int InstanceMemoryMB = 512;

    /// <summary>Flex Consumption's portal default, shown as the alternative.</summary>
    public const int AlternativeInstanceMemoryMB = 2048;

    /// <summary>Table storage capacity, LRS, per GB-month (the retention benchmark's steady size).</summary>
    public const double TableStoragePerGigabyteMonth = 0.045;

    public const string TableStorageSource = "assumed: Table storage LRS list price, first TB, US regions; check the pricing page";

    public static double PerTenThousand(BillingLine line) => line switch
    {
        BillingLine.TableWrite => 0.0325,
        BillingLine.TableBatchWrite => 0.0975,
        BillingLine.TableRead => 0.0065,
        BillingLine.QueueOperation => 0.004,
        BillingLine.BlobWrite => 0.065,
        BillingLine.BlobListOrCreateContainer => 0.065,
        BillingLine.BlobRead => 0.005,
        BillingLine.BlobOther => 0.005,
        BillingLine.BlobFree => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(line), line, null),
    };

    public static string Describe(BillingLine line) => line switch
    {
        BillingLine.TableWrite => "Table write (single entity; table create)",
        BillingLine.TableBatchWrite => "Table batch write (entity group transaction)",
        BillingLine.TableRead => "Table read (point read, query page)",
        BillingLine.QueueOperation => "Queue operation (put, get, delete, ...)",
        BillingLine.BlobWrite => "Blob write",
        BillingLine.BlobListOrCreateContainer => "Blob list / create container",
        BillingLine.BlobRead => "Blob read",
        BillingLine.BlobOther => "Blob other (lease, properties)",
        BillingLine.BlobFree => "Blob delete (free)",
        _ => line.ToString(),
    };

    public static string Source(BillingLine line) => line switch
    {
        BillingLine.TableWrite => "DESIGN.md",
        BillingLine.TableBatchWrite or BillingLine.TableRead or BillingLine.QueueOperation => "third-party price snapshot (DESIGN.md)",
        _ => "assumed: Blob Hot LRS list price; GPv2 bills leases as 'other' (learn.microsoft.com, map REST operations to a price)",
    };

    /// <summary>US$ for a number of requests on a line.</summary>
    public static double Cost(BillingLine line, double requests) => requests / 10_000 * PerTenThousand(line);

    /// <summary>What Flex Consumption bills for one activity period of this length, in seconds.</summary>
    public static double BillableSeconds(TimeSpan activity) =>
        Math.Max(MinimumBillableSeconds, Math.Ceiling(activity.TotalSeconds / BillableStepSeconds - 1e-9) * BillableStepSeconds);
}
