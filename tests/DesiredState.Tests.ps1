#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Export-, Compare- and Sync-GitHubOidcConfiguration against the fake GitHub server, with an
# organization of generated repositories. What is sent is asserted on the server's request log
# (paths, bodies, arrival times); nothing in this file decides what GitHub would answer.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()
    $script:dir = Join-Path ([System.IO.Path]::GetTempPath()) "gho-desired-$PID-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory -Path $script:dir | Out-Null

    function New-FleetOrg {
        # Seed state, then an organization of 150 repositories (two listing pages): every 7th has its own
        # keys, every 5th follows the organization's template, every 11th has the immutable flag,
        # every 13th is archived. Returns the generated names.
        Reset-FakeGitHub -Fake $script:fake
        $generate = @{
            org = 'fleet-org'; id = 4242; count = 150; seed = 8
            own_template_every = 7; opted_in_every = 5; flag_every = 11; archived_every = 13
            # Not the generated own keys (repo, context, job_workflow_ref): keys equal to the
            # organization's are read as following it.
            template = @('repository_owner_id', 'context', 'job_workflow_ref'); use_immutable_subject = $false
        } | ConvertTo-Json
        $answer = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/orgs" -Method Post -Body $generate -ContentType 'application/json'
        Clear-FakeRequests -Fake $script:fake
        @($answer.names)
    }

    function Get-Put {
        @(Get-FakeRequests -Fake $script:fake -Method PUT)
    }

    function Read-Json([string] $Path) {
        Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json -AsHashtable
    }

    function Write-Json([string] $Path, [object] $Value) {
        Set-Content -LiteralPath $Path -Value ($Value | ConvertTo-Json -Depth 10) -Encoding utf8NoBOM
    }

    # The i-th generated repository (0-based) by the generation rules above.
    function Get-Kind([int] $Index) {
        if (($Index % 13) -eq 12) { 'archived' }
        elseif (($Index % 7) -eq 6) { 'own' }
        elseif (($Index % 5) -eq 4) { 'org' }
        elseif (($Index % 11) -eq 10) { 'flag' }
        else { 'default' }
    }
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
    Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction Ignore
}

Describe 'Desired state' {
    BeforeEach {
        $script:names = New-FleetOrg
        $script:json = Join-Path $script:dir "oidc-$([guid]::NewGuid().ToString('n')).json"
    }

    It 'exports the organization and every repository off the default, and Compare right after finds nothing' {
        Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $script:context -ErrorAction Stop
        $doc = Read-Json $script:json
        $doc['$schema'] | Should -Match 'GitHubOidc\.DesiredState\.schema\.json$'
        $doc.Owner | Should -Be 'fleet-org'
        $doc.Organization.IncludeClaimKeys | Should -Be @('repository_owner_id', 'context', 'job_workflow_ref')
        $doc.Organization.UseImmutableSubject | Should -BeFalse
        # Not archived and not on GitHub's default: own keys, the org template, or the flag set.
        $expected = @(for ($i = 0; $i -lt $script:names.Count; $i++) {
                if ((Get-Kind $i) -in 'own', 'org', 'flag') { $script:names[$i] }
            })
        @($doc.Repositories.Keys | Sort-Object) | Should -Be @($expected | Sort-Object)
        $own = $script:names[6]
        $doc.Repositories[$own].Source | Should -Be 'Repository'
        $doc.Repositories[$own].IncludeClaimKeys | Should -Be @('repo', 'context', 'job_workflow_ref')
        $doc.Repositories[$script:names[4]].Source | Should -Be 'Organization'
        $doc.Repositories[$script:names[10]].UseImmutableSubject | Should -BeTrue

        $differences = @(Compare-GitHubOidcConfiguration -Path $script:json -Context $script:context -ErrorVariable errors)
        $differences.Count | Should -Be 0
        $errors.Count | Should -Be 0
        Get-Put | Should -BeNullOrEmpty
    }

    It 'does not overwrite a file without -Force' {
        Set-Content -LiteralPath $script:json -Value 'keep'
        { Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $script:context -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*exists*-Force*'
        Get-Content -LiteralPath $script:json -Raw | Should -Match '^keep'
        @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0 -Because 'nothing is read before the file check'
        Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $script:context -Force
        (Read-Json $script:json).Owner | Should -Be 'fleet-org'
    }

    It 'shows exactly the edits, -WhatIf sends nothing, Sync sends exactly those PUTs paced, a second Sync nothing' {
        Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $script:context -ErrorAction Stop
        $doc = Read-Json $script:json
        $own = $script:names[6]      # its own keys: opt in to immutable subjects
        $plain = $script:names[0]    # GitHub's default: follow the organization's template
        $follows = $script:names[4]  # the organization's template: its own keys
        $doc.Repositories[$own].UseImmutableSubject = $true
        $doc.Repositories[$plain] = @{ Source = 'Organization' }
        $doc.Repositories[$follows] = @{ IncludeClaimKeys = @('repo', 'environment') }
        $doc.Organization.UseImmutableSubject = $true
        Write-Json $script:json $doc
        Clear-FakeRequests -Fake $script:fake

        $differences = @(Compare-GitHubOidcConfiguration -Path $script:json -Context $script:context)
        $rows = @($differences | ForEach-Object { "$($_.Repository)|$($_.Property)|$(@($_.Current) -join ',')|$(@($_.Desired) -join ',')|$($_.Action)" })
        $rows[0] | Should -Be '|UseImmutableSubject|False|True|OptIn' -Because 'the organization comes first'
        $expectedRows = @(
            "$plain|Source|Default|Organization|Update"
            "$follows|Source|Organization|Repository|Update"
            "$follows|IncludeClaimKeys|repository_owner_id,context,job_workflow_ref|repo,environment|Update"
            "$own|UseImmutableSubject|False|True|OptIn"
        )
        @($rows[1..($rows.Count - 1)] | Sort-Object) | Should -Be @($expectedRows | Sort-Object)
        $differences[0].PSObject.TypeNames[0] | Should -Be 'GitHubOidc.ConfigurationDifference'
        $differences[0].Repository | Should -BeNullOrEmpty
        ($differences | Format-Table | Out-String -Width 300) | Should -Match 'OptIn'
        Get-Put | Should -BeNullOrEmpty

        $whatIf = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -WhatIf)
        Get-Put | Should -BeNullOrEmpty -Because '-WhatIf sends no write at all'
        $whatIf.Count | Should -Be 4
        @($whatIf.Status | Sort-Object -Unique) | Should -Be @('Skipped')
        $whatIf[0].Request | Should -Match '^PUT http://127\.0\.0\.1:\d+/orgs/fleet-org/actions/oidc/customization/sub '

        $results = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false)
        $results.Count | Should -Be 4
        @($results.Status | Sort-Object -Unique) | Should -Be @('Applied')
        $results[0].PSObject.TypeNames[0] | Should -Be 'GitHubOidc.SyncResult'
        $puts = Get-Put
        $puts.Count | Should -Be 4
        $puts[0].path | Should -Be '/orgs/fleet-org/actions/oidc/customization/sub'
        $puts[0].body.include_claim_keys | Should -Be @('repository_owner_id', 'context', 'job_workflow_ref') -Because 'the keys the file kept are sent again'
        $puts[0].body.use_immutable_subject | Should -BeTrue
        $expectedPaths = @(foreach ($name in $own, $plain, $follows) { "/repos/fleet-org/$name/actions/oidc/customization/sub" })
        @($puts[1..3].path | Sort-Object) | Should -Be @($expectedPaths | Sort-Object)
        $ownPut = $puts | Where-Object path -Like "*/$own/*"
        $ownPut.body.use_default | Should -BeFalse
        $ownPut.body.include_claim_keys | Should -Be @('repo', 'context', 'job_workflow_ref') -Because 'a flag-only change keeps the own keys'
        $ownPut.body.use_immutable_subject | Should -BeTrue
        ($puts | Where-Object path -Like "*/$plain/*").body.PSObject.Properties.Name | Should -Not -Contain 'include_claim_keys'
        ($puts | Where-Object path -Like "*/$follows/*").body.include_claim_keys | Should -Be @('repo', 'environment')
        for ($i = 1; $i -lt $puts.Count; $i++) {
            ($puts[$i].received_ms - $puts[$i - 1].received_ms) | Should -BeGreaterOrEqual 1000 -Because 'writes are at least one second apart'
        }

        Clear-FakeRequests -Fake $script:fake
        @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false).Count | Should -Be 0
        Get-Put | Should -BeNullOrEmpty -Because 'a second Sync finds nothing to do'
        @(Compare-GitHubOidcConfiguration -Path $script:json -Context $script:context).Count | Should -Be 0
    }

    It 'writes nothing to the repositories that follow the organization after its template changed (<Shape>)' -ForEach @(
        @{ Shape = 'the GET of a follower lists no keys'; Listed = $false }
        @{ Shape = 'the GET of a follower lists the organization''s keys'; Listed = $true }
    ) {
        $shapes = @{ inherited_keys_listed = $Listed } | ConvertTo-Json
        $null = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/shapes" -Method Put -Body $shapes -ContentType 'application/json'
        Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $script:context -ErrorAction Stop
        $doc = Read-Json $script:json
        $follower = $script:names[4]
        $doc.Repositories[$follower].Source | Should -Be 'Organization'
        $doc.Repositories[$follower].Keys | Should -Not -Contain 'IncludeClaimKeys'
        $states = @(Get-GitHubOidcRepository -Owner fleet-org -Repository $follower -Context $script:context)
        $states[0].Source | Should -Be 'Organization'
        $states[0].OwnClaimKeys | Should -BeNullOrEmpty

        # Someone changes the organization's template; the file is unchanged.
        Set-GitHubOidcSubjectClaim -Owner fleet-org -IncludeClaimKeys repo, environment -Context $script:context -Confirm:$false
        Clear-FakeRequests -Fake $script:fake
        $results = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false -WriteInterval 0)
        $puts = @(Get-Put)
        $puts.path | Should -Be @('/orgs/fleet-org/actions/oidc/customization/sub') -Because 'only the organization goes back to the file''s keys'
        $puts[0].body.include_claim_keys | Should -Be @('repository_owner_id', 'context', 'job_workflow_ref')
        $results.Count | Should -Be 1
        $state = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/state"
        $repo = $state.repos | Where-Object name -EQ $follower
        $repo.use_default | Should -BeFalse
        $repo.include_claim_keys | Should -BeNullOrEmpty -Because 'the follower still follows the organization'
    }

    It 'paces by -WriteInterval' {
        $doc = @{ Owner = 'fleet-org'; Repositories = @{ $script:names[0] = @{ Source = 'Organization' }; $script:names[1] = @{ Source = 'Organization' } } }
        Write-Json $script:json $doc
        $results = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false -WriteInterval '00:00:01.5')
        $results.Count | Should -Be 2
        $puts = Get-Put
        ($puts[1].received_ms - $puts[0].received_ms) | Should -BeGreaterOrEqual 1500
        { Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -WriteInterval 'soon' } |
            Should -Throw -ExpectedMessage '*-WriteInterval*'
    }

    It 'reports a failed write as a Failed result with its error record, and goes on' {
        $doc = @{ Owner = 'fleet-org'; Repositories = @{ $script:names[0] = @{ Source = 'Organization' }; $script:names[1] = @{ Source = 'Organization' } } }
        Write-Json $script:json $doc
        Add-FakeFault -Fake $script:fake -Fault @{ status = 422; method = 'PUT'; path_prefix = "/repos/fleet-org/$($script:names[0])/"; times = 1 }
        $results = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false -WriteInterval 0 -ErrorVariable errors -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 2
        $failed = $results | Where-Object Repository -EQ $script:names[0]
        $failed.Status | Should -Be 'Failed'
        $failed.ErrorRecord.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.ValidationFailed*'
        ($results | Where-Object Repository -EQ $script:names[1]).Status | Should -Be 'Applied'
        $errors.Count | Should -Be 1
    }

    It 'writes an error record for a repository that could not be read, and compares the others' {
        $doc = @{ Owner = 'fleet-org'; Repositories = @{ '*' = @{ UseImmutableSubject = $true } } }
        Write-Json $script:json $doc
        $broken = $script:names[2]
        Add-FakeFault -Fake $script:fake -Fault @{ status = 404; method = 'GET'; path_prefix = "/repos/fleet-org/$broken/" }
        $differences = @(Compare-GitHubOidcConfiguration -Path $script:json -Context $script:context -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors.Count | Should -Be 1
        $errors[0].TargetObject | Should -Be "fleet-org/$broken"
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.NotFound*'
        $differences.Repository | Should -Not -Contain $broken
        # Every repository that is not archived, not flagged already (every 11th) and not broken differs.
        $expected = @(for ($i = 0; $i -lt $script:names.Count; $i++) {
                if (($i % 13) -ne 12 -and ($i % 11) -ne 10 -and $script:names[$i] -ne $broken) { $script:names[$i] }
            })
        @($differences.Repository | Sort-Object) | Should -Be @($expected | Sort-Object)
    }

    It 'stops Export within a second on Stop() (Ctrl+C), sends no request after it and writes no file' {
        $null = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/latency" -Method Put -Body (@{ ms = 50 } | ConvertTo-Json) -ContentType 'application/json'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($Module, $Context, $Path)
                    Import-Module $Module
                    Export-GitHubOidcConfiguration -Owner fleet-org -Path $Path -Context $Context
                }).AddArgument((Get-TestModulePath)).AddArgument($script:context).AddArgument($script:json)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (@(Get-FakeRequests -Fake $script:fake -PathLike '/repos/*').Count -lt 10 -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            @(Get-FakeRequests -Fake $script:fake -PathLike '/repos/*').Count | Should -BeGreaterOrEqual 10
            Stop-TestPipeline -Fake $script:fake -PowerShell $ps -Async $async
            @(Get-FakeRequests -Fake $script:fake -PathLike '/repos/*').Count | Should -BeLessThan $script:names.Count
            Test-Path -LiteralPath $script:json | Should -BeFalse
        } finally {
            $ps.Dispose()
            $null = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/latency" -Method Put -Body (@{ ms = 0 } | ConvertTo-Json) -ContentType 'application/json'
        }
    }

    It 'the README migration recipe runs as written' {
        $ctx = $script:context
        # 1. Inventory.
        $legacy = @(Get-GitHubOidcRepository -Owner fleet-org -Context $ctx | Where-Object { -not $_.Immutable })
        $legacy.Count | Should -BeGreaterThan 100
        # 2. Dual trust policies for them (offline).
        $policy = $legacy | Select-Object -First 3 | Resolve-GitHubOidcSubject -Branch main -Context $ctx |
            New-GitHubOidcTrustPolicy -Provider Aws -IncludeLegacy -Context github.com
        "$policy" | Should -Match 'repo:fleet-org/'
        "$policy" | Should -Match 'repo:fleet-org@4242/'
        # 3. Opt in with a desired-state file and -WhatIf.
        Export-GitHubOidcConfiguration -Owner fleet-org -Path $script:json -Context $ctx
        $doc = Read-Json $script:json
        $doc.Repositories['*'] = @{ UseImmutableSubject = $true }
        Write-Json $script:json $doc
        $differences = @(Compare-GitHubOidcConfiguration -Path $script:json -Context $ctx)
        @($differences.Property | Sort-Object -Unique) | Should -Be @('UseImmutableSubject')
        Clear-FakeRequests -Fake $script:fake
        $null = Sync-GitHubOidcConfiguration -Path $script:json -Context $ctx -WhatIf
        Get-Put | Should -BeNullOrEmpty
        # 4. Apply (paced; a short interval keeps the test quick).
        $results = @(Sync-GitHubOidcConfiguration -Path $script:json -Context $ctx -Confirm:$false -WriteInterval 0.01)
        $results.Count | Should -Be $differences.Count
        @($results | Where-Object Status -NE Applied).Count | Should -Be 0
        (Get-Put).Count | Should -Be $differences.Count
        # 5. Verify.
        @(Compare-GitHubOidcConfiguration -Path $script:json -Context $ctx).Count | Should -Be 0
        @(Get-GitHubOidcRepository -Owner fleet-org -Context $ctx | Where-Object { -not $_.Immutable }).Count | Should -Be 0
    }

    Context 'Invalid files are refused before any request, naming the entry' {
        It '<Name>' -ForEach @(
            @{ Name = 'unknown field'; Text = '{"Owner":"fleet-org","Repositories":{"api":{"Sourc":"Default"}}}'; Message = '*Repositories.api.Sourc*' }
            @{ Name = 'unknown claim key'; Text = '{"Owner":"fleet-org","Organization":{"IncludeClaimKeys":["repo","job_workflow_rev"]}}'; Message = '*Organization.IncludeClaimKeys*job_workflow_rev*job_workflow_ref*' }
            @{ Name = 'wrong type'; Text = '{"Owner":"fleet-org","Repositories":{"api":{"UseImmutableSubject":"yes"}}}'; Message = '*Repositories.api.UseImmutableSubject*' }
            @{ Name = 'bad JSON'; Text = "{`"Owner`": `"fleet-org`",`n `"Repositories`": {" ; Message = '*not valid JSON*line*column*' }
            @{ Name = 'contradicting entry'; Text = '{"Owner":"fleet-org","Repositories":{"api":{"Source":"Default","IncludeClaimKeys":["repo"]}}}'; Message = '*Repositories.api*contradicts*' }
        ) {
            Set-Content -LiteralPath $script:json -Value $Text -Encoding utf8NoBOM
            foreach ($command in { Compare-GitHubOidcConfiguration -Path $script:json -Context $script:context -ErrorAction Stop },
                { Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false -ErrorAction Stop }) {
                $thrown = { & $command } | Should -Throw -PassThru
                $thrown.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.InvalidArgument*'
                $thrown.Exception.Message | Should -BeLike $Message
            }
            @(Get-FakeRequests -Fake $script:fake).Count | Should -Be 0 -Because 'the file is checked before any request'
        }

        It 'a named repository that does not exist: an error naming the entry, nothing sent' {
            Write-Json $script:json @{ Owner = 'fleet-org'; Repositories = @{ 'no-such-repo' = @{ Source = 'Default' }; $script:names[0] = @{ Source = 'Organization' } } }
            $thrown = { Sync-GitHubOidcConfiguration -Path $script:json -Context $script:context -Confirm:$false -ErrorAction Stop } |
                Should -Throw -PassThru
            $thrown.Exception.Message | Should -BeLike '*no-such-repo*Repositories.no-such-repo*'
            Get-Put | Should -BeNullOrEmpty
        }

        It 'a missing file is an error' {
            { Compare-GitHubOidcConfiguration -Path (Join-Path $script:dir 'nope.json') -Context $script:context -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*nope.json*not found*'
        }
    }

    Context 'PowerShell data files' {
        It 'exports, compares and syncs a .psd1' {
            $psd1 = Join-Path $script:dir "oidc-$([guid]::NewGuid().ToString('n')).psd1"
            Export-GitHubOidcConfiguration -Owner fleet-org -Path $psd1 -Context $script:context -ErrorAction Stop
            $data = Import-PowerShellDataFile -LiteralPath $psd1
            $data.Owner | Should -Be 'fleet-org'
            $data.Repositories[$script:names[6]].Source | Should -Be 'Repository'
            @(Compare-GitHubOidcConfiguration -Path $psd1 -Context $script:context).Count | Should -Be 0

            Set-Content -LiteralPath $psd1 -Encoding utf8NoBOM -Value @"
@{
    Owner = 'fleet-org'
    Repositories = @{
        '$($script:names[0])' = @{ Source = 'Organization'; UseImmutableSubject = `$true }
        'nothing-*' = @{ }
    }
}
"@
            $differences = @(Compare-GitHubOidcConfiguration -Path $psd1 -Context $script:context)
            @($differences.Property) | Should -Be @('Source', 'UseImmutableSubject')
            $results = @(Sync-GitHubOidcConfiguration -Path $psd1 -Context $script:context -Confirm:$false)
            $results.Status | Should -Be 'Applied'
            (Get-Put).body.use_immutable_subject | Should -BeTrue

            Set-Content -LiteralPath $psd1 -Value "@{ Owner = 'fleet-org'; Repositories = @{ api = @{ IncludeClaimKeys = @('repo', 'nope_key') } } }"
            { Compare-GitHubOidcConfiguration -Path $psd1 -Context $script:context -ErrorAction Stop } |
                Should -Throw -ExpectedMessage '*Repositories.api.IncludeClaimKeys*nope_key*'
        }
    }
}
