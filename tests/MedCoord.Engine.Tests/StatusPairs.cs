using MedCoord.Engine.Billing;
using MedCoord.Engine.CarePlans;
using MedCoord.Engine.Referrals;
using MedCoord.Engine.Visits;
using Xunit;

namespace MedCoord.Engine.Tests;

/// <summary>Every (from, to) pair of a lifecycle's statuses, for tests that check each move allowed or refused.</summary>
public static class StatusPairs
{
    public static TheoryData<ReferralStatus, ReferralStatus> Referral => Of<ReferralStatus>();

    public static TheoryData<VisitStatus, VisitStatus> Visit => Of<VisitStatus>();

    public static TheoryData<CarePlanStatus, CarePlanStatus> CarePlan => Of<CarePlanStatus>();

    public static TheoryData<ActivityStatus, ActivityStatus> Activity => Of<ActivityStatus>();

    public static TheoryData<ClaimStatus, ClaimStatus> Claim => Of<ClaimStatus>();

    private static TheoryData<T, T> Of<T>()
        where T : struct, Enum
    {
        var data = new TheoryData<T, T>();
        foreach (var from in Enum.GetValues<T>())
        {
            foreach (var to in Enum.GetValues<T>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }
}
