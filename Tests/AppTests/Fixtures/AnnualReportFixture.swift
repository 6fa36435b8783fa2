/// A referrals file whose West Midlands 2023-24 report was worked out by hand (see ImportAndReportTests).
enum AnnualReportFixture {
    static let referrals = """
        referral_ref,received_date,region,service,referral_source,referrer_organisation,first_name,last_name,date_of_birth,gender,ethnicity,home_local_authority,exploitation_types,rescue_call_at,rescue_arrived_at,case_opened_date,case_closed_date,closure_reason,entry_safety,exit_safety,entry_mental_health,exit_mental_health,goal_progress,entry_criminogenic_need,exit_criminogenic_need,entry_missing_episodes,exit_missing_episodes,entry_offences,exit_offences,entry_county_lines_active,exit_county_lines_active,entry_family_conflict,exit_family_conflict,entry_eet,exit_eet
        R01,2023-04-01,west-midlands,support,police,West Midlands Police,Zoë,O'Neill,2008-03-04,female,black,birmingham,county_lines;cuckooing,,,2023-04-03,2023-09-30,planned,3,7,4,4,positive,8,2,4,1,3,0,yes,no,yes,no,no,yes
        R02,2024-03-31,west-midlands,support,education,"School, ""Main"" site",ZOE,oneill,2008-03-04,female,,leeds,criminal_exploitation,,,,,,,,,,,,,,,,,,,,,,
        R03,2023-06-15,west-midlands,support,police,,Tyler,Brown,1998-06-15,male,white,coventry,county_lines,,,,,,,,,,,,,,,,,,,,,,
        R04,2023-07-01,west-midlands,support,family,,Amir,Khan,2006-01-20,male,asian,dudley,,,,,,,,,,,,,,,,,,,,,,,
        R05,2023-08-10,west-midlands,support,police,,Kyle,Smith,2007-05-05,male,mixed,walsall,sexual_exploitation,,,2023-08-12,2024-02-01,disengaged,5,4,3,6,none,6,7,0,2,2,2,no,no,no,yes,yes,no
        R06,2023-09-01,west-midlands,support,youth_justice,,Jade,Green,2009-12-31,non_binary,other,birmingham,online_exploitation;county_lines;online_exploitation,,,,,,,,,,,,,,,,,,,,,,
        R07,2023-05-05,west-midlands,rescue,police,British Transport Police,Leon,Grey,2006-02-02,male,,birmingham,county_lines,2023-05-05T01:00:00Z,2023-05-05T02:30:00Z,2023-05-06,,,,,,,,,,,,,,,,,,,
        R08,2023-10-10,west-midlands,rescue,police,,Mia,Stone,2005-10-10,female,,sandwell,trafficking,2023-10-10T22:00:00+01:00,2023-10-10T22:45:00+01:00,,,,,,,,,,,,,,,,,,,,
        R09,2023-11-11,west-midlands,rescue,police,,Ned,Fox,2004-04-04,male,,birmingham,county_lines,,,,,,,,,,,,,,,,,,,,,,
        R10,2022-12-01,west-midlands,support,police,,Omar,Hill,2007-07-07,male,asian,birmingham,county_lines,,,2022-12-05,2023-04-20,planned,2,8,5,,positive,5,,,,,,yes,yes,yes,yes,,yes
        R11,2023-05-01,london,support,police,,Sam,Lee,2008-01-01,male,white,camden,county_lines,,,2023-05-02,2023-12-01,planned,1,9,,,,,,,,,,,,,,,
        R12,2024-04-01,west-midlands,support,police,,Kyle,Smith,2007-05-05,male,mixed,walsall,county_lines,,,,,,,,,,,,,,,,,,,,,,

        """

    static let outreach = """
        session_ref,date,region,audience,organisation,topic,attendees
        S1,2023-04-01,west-midlands,professionals,Birmingham schools,Spotting exploitation,30
        S2,2024-03-31,west-midlands,young_people,,County lines,12
        S3,2023-03-31,west-midlands,mixed,,Last year,50
        S4,2023-06-01,london,mixed,Camden youth,Online harms,20

        """
}
