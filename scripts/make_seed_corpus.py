# ruff: noqa: E501 - the seed texts are prose, one sentence per string
"""Write the seed corpus in models/seed/ from the texts below (authored for spamscore).

The public corpora have almost no Japanese and no modern legitimate commercial mail, so the
classifier also learns from these short messages, written by the spamscore developers for this
purpose (our own text, released with the project under its licence). Every name, shop, domain
and number is invented. Deterministic: the same script writes the same bytes.

    python scripts/make_seed_corpus.py      # rewrites models/seed/{en,ja}-{ham,spam}/
"""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scorer.compose import compose_message

ROOT = Path(__file__).resolve().parents[1] / "models" / "seed"

# (sender, subject, paragraphs, link domain)
EN_HAM = [
    (
        "Northwind Books <news@northwind-books.test>",
        "New arrivals for March: ten novels we loved",
        [
            "Our booksellers read forty new novels this month and picked ten for the front table.",
            "This issue includes an interview with the translator of The Salt Road and our spring "
            "reading group schedule.",
            "The shop on Harbour Street opens at 9:00 on Saturdays from April.",
        ],
        "northwind-books.test",
    ),
    (
        "Fernhill Garden Centre <hello@fernhill.test>",
        "Planting guide: what to sow in April",
        [
            "Soil is warming up. Broad beans, peas and lettuce can go straight into the beds.",
            "Tomatoes and peppers still want a windowsill for another three weeks.",
            "Our Saturday workshop on raised beds has six places left.",
        ],
        "fernhill.test",
    ),
    (
        "Atlas Cloud <notifications@atlascloud.test>",
        "Your invoice for February is ready",
        [
            "Invoice INV-20417 for the Team plan (5 seats) is now available in your billing settings.",
            "The amount of 75.00 EUR will be charged to the card ending in 4242 on 3 March.",
            "Questions about billing? Reply to this message and our team will help.",
        ],
        "atlascloud.test",
    ),
    (
        "Atlas Cloud <no-reply@atlascloud.test>",
        "Reset your password",
        [
            "We received a request to reset the password for the account registered to this address.",
            "The reset link expires in 30 minutes. If you did not ask for it, you can ignore this "
            "message; your password stays the same.",
        ],
        "atlascloud.test",
    ),
    (
        "Kestrel Outdoor <orders@kestrel-outdoor.test>",
        "Order 58213 has shipped",
        [
            "Good news: the trail shoes and the rain jacket from order 58213 left our warehouse today.",
            "Tracking number: KX 4471 2290 UK. Delivery is expected on Thursday between 10:00 and 14:00.",
            "Returns are free within 30 days.",
        ],
        "kestrel-outdoor.test",
    ),
    (
        "Riverside Community Choir <choir@riverside-choir.test>",
        "Rehearsal moved to Thursday",
        [
            "This week's rehearsal moves to Thursday at 19:30 because the hall is booked on Wednesday.",
            "Please bring the Fauré scores; the sopranos will work on the second movement first.",
            "The summer concert programme is attached to the members' page.",
        ],
        "riverside-choir.test",
    ),
    (
        "Lumen Analytics <product@lumen.test>",
        "What's new in Lumen 4.2",
        [
            "Dashboards can now be shared with people outside your workspace, read-only.",
            "CSV exports keep the column order of the table, and large exports run in the background.",
            "The full changelog and migration notes are on our documentation site.",
        ],
        "lumen.test",
    ),
    (
        "City Library <library@citylibrary.test>",
        "Items due back in three days",
        [
            "Two items on your library card are due on 14 May: The Glass Orchard and a travel guide to "
            "Portugal.",
            "You can renew them online up to three times unless someone has reserved them.",
        ],
        "citylibrary.test",
    ),
    (
        "Bramble & Co <team@bramble.test>",
        "Thanks for joining Bramble",
        [
            "Your account is ready. Start by importing your contacts or connecting your calendar.",
            "Our getting-started guide walks through the first week in five short lessons.",
            "You are receiving this because you created an account at bramble.test.",
        ],
        "bramble.test",
    ),
    (
        "Harbour Dental Clinic <appointments@harbourdental.test>",
        "Appointment reminder: 12 June, 10:15",
        [
            "This is a reminder of your check-up with Dr. Okafor on 12 June at 10:15.",
            "If you need to change the time, call the clinic or use the link below at least 24 hours "
            "before.",
        ],
        "harbourdental.test",
    ),
    (
        "Sunday Table <recipes@sundaytable.test>",
        "Three soups for a cold week",
        [
            "This week: roasted squash with sage, a quick miso noodle soup, and a Tuscan bean soup that "
            "keeps for four days.",
            "Each recipe serves four and takes under forty minutes.",
            "Reply with your favourite winter recipe and we may feature it next month.",
        ],
        "sundaytable.test",
    ),
    (
        "Meridian Travel <trips@meridian.test>",
        "Your itinerary: Lisbon, 4-8 October",
        [
            "Flight MT 212 departs at 07:40 from Terminal 2. Online check-in opens 24 hours before.",
            "Your hotel, Casa do Rio, confirmed a late check-in after 22:00.",
            "The itinerary and receipts are in your account.",
        ],
        "meridian.test",
    ),
    (
        "Open Data Meetup <events@opendata-meetup.test>",
        "Invitation: open data meetup, 21 November",
        [
            "Our next meetup is on 21 November at the central library, room 3.",
            "Talks: cleaning transport timetables, and publishing air-quality sensors with a small "
            "budget.",
            "Entry is free; registration helps us order enough coffee.",
        ],
        "opendata-meetup.test",
    ),
    (
        "Greenway Energy <service@greenway.test>",
        "Your annual energy summary",
        [
            "Your home used 3,120 kWh last year, 8% less than the year before.",
            "Most of the drop came from the winter months. The summary includes a month-by-month chart.",
            "Your tariff stays the same until 31 March.",
        ],
        "greenway.test",
    ),
    (
        "Pine Street School PTA <pta@pinestreet.test>",
        "Autumn fair volunteers",
        [
            "The autumn fair is on Saturday 12 October. We still need help with the cake stall and the "
            "book swap.",
            "Sign up for a one-hour slot on the form; every bit of help counts.",
        ],
        "pinestreet.test",
    ),
    (
        "Quill Notes <support@quillnotes.test>",
        "Scheduled maintenance on Sunday",
        [
            "Quill Notes will be read-only on Sunday between 02:00 and 03:00 UTC while we upgrade our "
            "database.",
            "Notes you write during that hour stay on your device and sync afterwards.",
        ],
        "quillnotes.test",
    ),
    (
        "Ember Coffee Roasters <roastery@embercoffee.test>",
        "This month's roast: Huila, Colombia",
        [
            "Our March coffee comes from a cooperative of 40 growers in Huila.",
            "Expect red apple, panela and a long cocoa finish. Subscribers receive it on Tuesday.",
            "Brewing tip: try a slightly coarser grind for the filter this month.",
        ],
        "embercoffee.test",
    ),
    (
        "Hollow Pine Cabins <stay@hollowpine.test>",
        "Booking confirmed: 2 nights in Cabin 4",
        [
            "Thanks for your booking. Cabin 4 is yours from Friday 15:00 to Sunday 11:00.",
            "The key box code will be sent the morning you arrive. Firewood is in the shed.",
        ],
        "hollowpine.test",
    ),
    (
        "Civic Museum <members@civicmuseum.test>",
        "Members' preview: The Age of Maps",
        [
            "Members are invited to a preview of our new exhibition on Thursday evening.",
            "Curators will give short tours at 18:30 and 19:30. Bring your membership card.",
        ],
        "civicmuseum.test",
    ),
    (
        "Tandem Bikes <shop@tandembikes.test>",
        "Spring service week",
        [
            "From 1 to 7 April our workshop offers a full service for 59 EUR, including brake pads.",
            "Book a slot online; most bikes are ready the same afternoon.",
        ],
        "tandembikes.test",
    ),
    (
        "Orbit HR <noreply@orbithr.test>",
        "Your payslip for June is available",
        [
            "Your June payslip has been published. Sign in to the employee portal to view it.",
            "For questions about deductions, contact payroll through the help desk.",
        ],
        "orbithr.test",
    ),
    (
        "Wildflower Trust <news@wildflowertrust.test>",
        "Spring update from the meadows",
        [
            "Volunteers planted 12,000 plugs of native flowers on the river meadow this winter.",
            "The first survey counted 19 species of bees. Thank you for supporting the work.",
            "Our annual report is online.",
        ],
        "wildflowertrust.test",
    ),
    (
        "Lattice Conference <info@lattice-conf.test>",
        "Call for talks closes on Friday",
        [
            "Proposals for Lattice 2026 are open until Friday at midnight CET.",
            "We welcome first-time speakers; mentors can help you shape the abstract.",
        ],
        "lattice-conf.test",
    ),
    (
        "Maple Street Vet <care@maplevet.test>",
        "Vaccination due for Biscuit",
        [
            "Biscuit's yearly vaccination is due this month.",
            "Appointments are available on weekday mornings; the visit takes about fifteen minutes.",
        ],
        "maplevet.test",
    ),
]

EN_SPAM = [
    (
        "Crypto Profit Team <vip@quick-gains.test>",
        "Turn $250 into $10,000 in 7 days GUARANTEED",
        [
            "Our secret trading robot made members rich overnight. No experience needed!!!",
            "Deposit just $250 today and watch your money multiply. Limited spots, act NOW before the "
            "offer expires!",
        ],
        "quick-gains.test",
    ),
    (
        "Account Security <security@verify-account-alerts.test>",
        "Urgent: your account will be suspended",
        [
            "We detected unusual sign-in activity. Your account will be suspended within 24 hours.",
            "Verify your identity immediately by confirming your password and card details at the "
            "secure link.",
        ],
        "verify-account-alerts.test",
    ),
    (
        "Parcel Delivery <noreply@parcel-redelivery.test>",
        "Your package is on hold - pay the fee",
        [
            "We could not deliver your parcel because of an unpaid customs fee of 1.99 USD.",
            "Pay now to schedule redelivery, or the parcel will be returned to sender.",
        ],
        "parcel-redelivery.test",
    ),
    (
        "Prize Department <winner@lucky-draw.test>",
        "CONGRATULATIONS!!! You are our lucky winner",
        [
            "You have been selected to receive an iPhone and a $1000 gift card!",
            "Claim your prize now, only a small shipping fee is required. Offer valid today only!",
        ],
        "lucky-draw.test",
    ),
    (
        "Dr. Health <sales@cheap-meds.test>",
        "Cheap meds without prescription",
        [
            "Best prices on pills, 80% off pharmacy prices, no prescription needed.",
            "Discreet shipping worldwide. Order now and get free bonus pills!",
        ],
        "cheap-meds.test",
    ),
    (
        "Loan Center <approve@instant-loans.test>",
        "You are pre-approved for $50,000",
        [
            "Bad credit? No problem! Get cash in your account within one hour.",
            "No credit check, no paperwork. Apply now, approval guaranteed.",
        ],
        "instant-loans.test",
    ),
    (
        "Home Income <jobs@easy-income.test>",
        "Earn $5,000 a week from home",
        [
            "Make money from home working just 2 hours a day. No skills required!",
            "Thousands of people already quit their jobs. Join today and start earning immediately.",
        ],
        "easy-income.test",
    ),
    (
        "Mailbox Admin <admin@mail-quota-update.test>",
        "Mailbox quota exceeded - action required",
        [
            "Your mailbox has exceeded its storage limit and new messages will be rejected.",
            "Click here to upgrade your mailbox and re-validate your login credentials now.",
        ],
        "mail-quota-update.test",
    ),
    (
        "Tax Refund <refund@tax-return-claim.test>",
        "You are eligible for a tax refund of $742.50",
        [
            "After the annual calculation you are eligible to receive a tax refund.",
            "Submit your bank account details within 48 hours to receive the payment.",
        ],
        "tax-return-claim.test",
    ),
    (
        "Mr. James Williams <barrister@inheritance-fund.test>",
        "Confidential business proposal",
        [
            "I am a lawyer representing a deceased client who left $15.5 million with no next of kin.",
            "I seek your cooperation to transfer the funds; you will receive 40% of the total sum.",
            "Reply with your full name, phone number and bank details.",
        ],
        "inheritance-fund.test",
    ),
    (
        "Slim Fast Formula <offers@burn-fat-fast.test>",
        "Lose 30 pounds in 30 days!",
        [
            "Doctors hate this miracle formula that melts belly fat while you sleep.",
            "No diet, no exercise. Order your risk-free trial bottle now!",
        ],
        "burn-fat-fast.test",
    ),
    (
        "Antivirus Renewal <billing@secure-renewal.test>",
        "Your subscription was renewed for $399.99",
        [
            "Your antivirus subscription was automatically renewed and $399.99 will be charged.",
            "If you did not authorize this payment, call our refund department immediately.",
        ],
        "secure-renewal.test",
    ),
    (
        "Rewards Survey <rewards@survey-gift.test>",
        "Complete our survey, get a $500 gift card",
        [
            "You have been chosen for our exclusive customer rewards program.",
            "Answer 3 quick questions and claim your free $500 gift card. Hurry, expires tonight!",
        ],
        "survey-gift.test",
    ),
    (
        "Hot Singles <meet@date-tonight.test>",
        "Lonely? Meet hot singles tonight",
        [
            "Beautiful women in your area want to meet you tonight.",
            "Sign up free, no credit card required. See their private photos now!",
        ],
        "date-tonight.test",
    ),
    (
        "Stock Alert <alerts@penny-stock-tips.test>",
        "This stock will explode 900% next week",
        [
            "Insider tip: this tiny company is about to announce huge news.",
            "Buy before Monday and make a fortune. Do not miss this once in a lifetime opportunity!",
        ],
        "penny-stock-tips.test",
    ),
    (
        "Billing Department <invoice@payment-overdue.test>",
        "Overdue invoice - final notice",
        [
            "Your payment is overdue. Open the attached invoice and pay immediately to avoid legal "
            "action.",
            "Transfer the amount to the account below within 24 hours.",
        ],
        "payment-overdue.test",
    ),
    (
        "Wallet Support <support@wallet-unlock.test>",
        "Withdrawal pending: confirm your wallet",
        [
            "A withdrawal of 2.45 BTC is pending on your wallet.",
            "If this was not you, connect your wallet and enter your recovery phrase to cancel it.",
        ],
        "wallet-unlock.test",
    ),
    (
        "SEO Experts <rank@top-ranking-seo.test>",
        "Guaranteed first page on Google",
        [
            "We will put your website on the first page of Google in 7 days, guaranteed!",
            "Cheap backlinks, thousands of visitors, money back guarantee. Reply now for a free audit.",
        ],
        "top-ranking-seo.test",
    ),
    (
        "Casino Royale Online <bonus@mega-casino.test>",
        "Your 500% welcome bonus is waiting",
        [
            "Claim 200 free spins and a 500% deposit bonus, today only!",
            "Win big jackpots every hour. Cash out instantly, no limits.",
        ],
        "mega-casino.test",
    ),
    (
        "Replica Watches <sales@luxury-replica.test>",
        "Luxury watches at 90% off",
        [
            "Top quality replica watches, looks exactly like the original.",
            "Free shipping worldwide, limited stock, order today!",
        ],
        "luxury-replica.test",
    ),
]

JA_HAM = [
    (
        "みどり書店 <news@midori-shoten.test>",
        "【みどり書店】3月の新刊案内",
        [
            "いつもみどり書店をご利用いただきありがとうございます。",
            "今月は文庫の新刊が12点入荷しました。店長のおすすめは旅の随筆集です。",
            "3月20日は棚卸しのため、18時で閉店いたします。",
        ],
        "midori-shoten.test",
    ),
    (
        "ひだまり珈琲 <info@hidamari-coffee.test>",
        "春のブレンド販売開始のお知らせ",
        [
            "ひだまり珈琲より、季節のブレンド「春霞」の販売開始のお知らせです。",
            "浅煎りのエチオピアを中心に、やわらかな酸味に仕上げました。",
            "店頭とオンラインショップで4月末までお求めいただけます。",
        ],
        "hidamari-coffee.test",
    ),
    (
        "さくら通販 <order@sakura-tsuhan.test>",
        "ご注文ありがとうございます（注文番号 10428）",
        [
            "このたびはご注文いただき、誠にありがとうございます。",
            "商品は3営業日以内に発送いたします。発送後に追跡番号をお知らせします。",
            "ご不明な点は本メールにご返信ください。",
        ],
        "sakura-tsuhan.test",
    ),
    (
        "さくら通販 <order@sakura-tsuhan.test>",
        "商品発送のお知らせ",
        [
            "ご注文の商品を本日発送いたしました。",
            "お届け予定日は4月12日（土）午前中です。配送状況はマイページからご確認いただけます。",
        ],
        "sakura-tsuhan.test",
    ),
    (
        "市立図書館 <library@city-lib.test>",
        "貸出期限のお知らせ",
        [
            "ご利用中の資料2点の返却期限が5月14日です。",
            "予約が入っていない資料は、ウェブサイトから3回まで延長できます。",
        ],
        "city-lib.test",
    ),
    (
        "あおば歯科 <yoyaku@aoba-dental.test>",
        "ご予約日の確認（6月12日 10時15分）",
        [
            "6月12日（木）10時15分に定期検診のご予約をいただいております。",
            "ご都合が悪くなった場合は、前日までにお電話でご連絡ください。",
        ],
        "aoba-dental.test",
    ),
    (
        "やまびこ旅館 <yoyaku@yamabiko-ryokan.test>",
        "ご宿泊予約の確認",
        [
            "このたびはやまびこ旅館をご予約いただきありがとうございます。",
            "ご宿泊日は10月4日から2泊、和室のご用意です。",
            "チェックインは15時から、夕食は18時半からとなります。",
        ],
        "yamabiko-ryokan.test",
    ),
    (
        "地域音楽祭 実行委員会 <info@ongakusai.test>",
        "地域音楽祭 ボランティア募集のお知らせ",
        [
            "今年も11月に地域音楽祭を開催します。",
            "会場案内や受付をお手伝いいただけるボランティアを募集しています。",
            "詳しい日程と申し込み方法は公式サイトをご覧ください。",
        ],
        "ongakusai.test",
    ),
    (
        "ルミナ分析 <support@lumina.test>",
        "メンテナンスのお知らせ（日曜 2時〜3時）",
        [
            "システム更新のため、日曜日の2時から3時まで閲覧のみのご利用となります。",
            "作業中に作成したデータは作業終了後に同期されます。",
        ],
        "lumina.test",
    ),
    (
        "こもれび食堂 <news@komorebi.test>",
        "今月の献立と営業日のお知らせ",
        [
            "こもれび食堂の今月の日替わり定食は、春野菜の天ぷらと鯛の炊き込みご飯です。",
            "毎週水曜日は定休日となります。皆さまのご来店をお待ちしております。",
        ],
        "komorebi.test",
    ),
    (
        "はなまる園芸 <mail@hanamaru-engei.test>",
        "春の種まきガイド",
        [
            "地温が上がってきました。そら豆やレタスは畑に直接まけます。",
            "トマトやピーマンはもう3週間ほど室内で育てましょう。",
            "土曜日の講習会は残り6席です。",
        ],
        "hanamaru-engei.test",
    ),
    (
        "アトラスクラウド <billing@atlas-cloud.test>",
        "2月分のご請求書を発行しました",
        [
            "チームプラン（5名）の2月分ご請求書を発行しました。",
            "ご請求金額は8,250円で、3月3日にご登録のカードへ請求されます。",
        ],
        "atlas-cloud.test",
    ),
    (
        "アトラスクラウド <no-reply@atlas-cloud.test>",
        "パスワード再設定のご案内",
        [
            "パスワード再設定のリクエストを受け付けました。",
            "リンクの有効期限は30分です。お心当たりがない場合は、このメールを破棄してください。",
        ],
        "atlas-cloud.test",
    ),
    (
        "市民美術館 <members@shimin-museum.test>",
        "会員限定内覧会のご案内",
        [
            "新しい展覧会「地図の時代」の会員限定内覧会を木曜日の夜に開催します。",
            "学芸員による解説は18時半と19時半の2回です。会員証をお持ちください。",
        ],
        "shimin-museum.test",
    ),
    (
        "ひまわり小学校PTA <pta@himawari.test>",
        "秋祭りのお手伝いのお願い",
        [
            "10月12日（土）の秋祭りで、お菓子の販売と本の交換コーナーのお手伝いを募集しています。",
            "1時間からご参加いただけます。申込フォームからご登録ください。",
        ],
        "himawari.test",
    ),
    (
        "グリーン電力 <service@green-denryoku.test>",
        "年間のご使用量のお知らせ",
        [
            "昨年のご使用量は3,120kWhで、前年より8%少なくなりました。",
            "月ごとのグラフはマイページでご覧いただけます。",
        ],
        "green-denryoku.test",
    ),
    (
        "ことり文具店 <news@kotori-bungu.test>",
        "新しい便箋が入荷しました",
        [
            "ことり文具店より入荷のお知らせです。",
            "手漉き和紙の便箋と、季節の切手に合う封筒が届きました。店頭でぜひ手に取ってご覧ください。",
        ],
        "kotori-bungu.test",
    ),
    (
        "オープンデータ勉強会 <events@opendata.test>",
        "11月の勉強会のご案内",
        [
            "次回の勉強会は11月21日、中央図書館3階の会議室で行います。",
            "発表は時刻表データの整形と、小さな予算で作る大気センサーの公開についてです。",
            "参加は無料です。",
        ],
        "opendata.test",
    ),
]

JA_SPAM = [
    (
        "副業サポート事務局 <info@fukugyou-money.test>",
        "【緊急】スマホだけで月収100万円！誰でも簡単に稼げる",
        [
            "今すぐ登録するだけで、毎日自動で大金が振り込まれます！",
            "知識も経験も不要。たった1日5分で月収100万円を達成した人が続出中！",
            "先着100名様限定、今だけ無料で秘密のノウハウを公開します。",
        ],
        "fukugyou-money.test",
    ),
    (
        "投資クラブ <vip@okane-fuyasu.test>",
        "元本保証！必ず儲かる投資案件のご案内",
        [
            "絶対に損をしない投資方法を特別にお教えします。",
            "10万円が1か月で300万円に！今すぐお申し込みください。",
        ],
        "okane-fuyasu.test",
    ),
    (
        "Amazonセキュリティ <security@amazon-account-check.test>",
        "【重要】アカウントが一時停止されました",
        [
            "お客様のアカウントで不正なログインが検出されたため、アカウントを一時停止しました。",
            "24時間以内に下記のリンクからご本人確認を行ってください。確認がない場合、アカウントは削除されます。",
        ],
        "amazon-account-check.test",
    ),
    (
        "楽天カード会員サービス <info@card-kakunin.test>",
        "【要確認】カードのご利用を制限しました",
        [
            "第三者による不正利用の可能性があるため、カードのご利用を制限しております。",
            "ログインしてカード番号と暗証番号を再登録してください。",
        ],
        "card-kakunin.test",
    ),
    (
        "当選事務局 <prize@tousen-center.test>",
        "おめでとうございます！1000万円に当選しました",
        [
            "厳正な抽選の結果、あなたが1000万円の当選者に選ばれました！",
            "賞金の受け取りには手数料3万円のお振り込みが必要です。本日中にお手続きください。",
        ],
        "tousen-center.test",
    ),
    (
        "即日融資センター <loan@sokujitsu-yuushi.test>",
        "審査なしで即日50万円融資！",
        [
            "ブラックの方でもOK！審査なしで即日融資いたします。",
            "今すぐお申し込みで、最短30分でお振り込み！",
        ],
        "sokujitsu-yuushi.test",
    ),
    (
        "出会いサポート <love@deai-now.test>",
        "今夜会える女性が近くにいます",
        [
            "近所の女性からあなたにメッセージが届いています。",
            "無料登録ですぐに写真を見られます。今すぐチェック！",
        ],
        "deai-now.test",
    ),
    (
        "仮想通貨ニュース <news@kasou-bitcoin.test>",
        "ビットコインで毎月300万円の利益",
        [
            "AIが自動で取引するので、寝ている間に資産が増えます。",
            "今なら初期費用0円。限定50名、急いでください！",
        ],
        "kasou-bitcoin.test",
    ),
    (
        "国税還付センター <kanpu@zeikin-modoru.test>",
        "還付金のお受け取り手続きのお願い",
        [
            "あなたには還付金42,000円を受け取る権利があります。",
            "48時間以内に口座番号と暗証番号を入力してください。",
        ],
        "zeikin-modoru.test",
    ),
    (
        "ダイエット研究所 <diet@yaseru-kusuri.test>",
        "飲むだけで1か月マイナス10キロ！",
        [
            "食事制限も運動も不要！飲むだけで脂肪が燃える奇跡のサプリ。",
            "今だけ初回無料、送料無料でお届けします。",
        ],
        "yaseru-kusuri.test",
    ),
    (
        "配送センター <info@haisou-fuzai.test>",
        "お荷物のお届けにあがりましたが不在のため持ち帰りました",
        [
            "お荷物を持ち帰りました。再配達の手続きには下記リンクから確認をお願いします。",
            "手続きがない場合、お荷物は返送されます。",
        ],
        "haisou-fuzai.test",
    ),
    (
        "未払い料金 督促係 <tokusoku@miharai-seikyu.test>",
        "【最終通告】未払い料金のお支払いについて",
        [
            "有料サイトの利用料金が未払いとなっております。",
            "本日中にお支払いがない場合、法的手続きに移行します。至急ご連絡ください。",
        ],
        "miharai-seikyu.test",
    ),
    (
        "在宅ワーク事務局 <job@zaitaku-kasegu.test>",
        "主婦でも簡単！在宅で日給3万円",
        [
            "パソコン不要、スマホでコピペするだけの簡単なお仕事です。",
            "初月から月収50万円も可能！今すぐ無料登録してください。",
        ],
        "zaitaku-kasegu.test",
    ),
    (
        "カジノボーナス <bonus@casino-jackpot.test>",
        "入金不要ボーナス3万円プレゼント",
        ["今なら登録するだけで3万円分のボーナスを進呈！", "一攫千金のチャンス、今日限りです。"],
        "casino-jackpot.test",
    ),
    (
        "メールボックス管理者 <admin@mail-youryou.test>",
        "メールボックスの容量が上限に達しました",
        [
            "容量の上限を超えたため、新しいメールを受信できません。",
            "下記のリンクからログインし、アカウントを再認証してください。",
        ],
        "mail-youryou.test",
    ),
    (
        "ブランド激安ショップ <sale@brand-gekiyasu.test>",
        "ブランド時計が90％OFF！在庫限り",
        [
            "有名ブランドの時計やバッグが最大90％OFF！",
            "本物そっくりの高品質。今すぐ注文してください。",
        ],
        "brand-gekiyasu.test",
    ),
]

_LAYOUTS = (
    '<html><body><h2>{subject}</h2>{paragraphs}<p><a href="https://{domain}/{path}">{link}</a>'
    '</p><p style="font-size:12px;color:#666">{footer}</p></body></html>',
    '<html><body><table width="600" align="center"><tr><td><h1>{subject}</h1></td></tr>'
    '<tr><td>{paragraphs}</td></tr><tr><td><a href="https://{domain}/{path}">{link}</a>'
    "</td></tr><tr><td><small>{footer}</small></td></tr></table></body></html>",
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div style="max-width:'
    '600px;margin:auto">{paragraphs}<p><a href="https://www.{domain}/{path}">{link}</a></p>'
    "<hr><p>{footer}</p></div></body></html>",
)
_FOOTER = {"en": "{sender}", "ja": "{sender}"}
_LINK = {
    "en": ("Read more", "Open", "Details", "Continue"),
    "ja": ("詳しくはこちら", "確認する", "詳細", "続きを読む"),
}


def _sender_name(sender: str) -> str:
    return sender.split("<")[0].strip()


def write(folder: Path, lang: str, items: list, html_only_every: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    base = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
    for index, (sender, subject, paragraphs, domain) in enumerate(items):
        layout = _LAYOUTS[index % len(_LAYOUTS)]
        link = _LINK[lang][index % len(_LINK[lang])]
        footer = _FOOTER[lang].format(sender=_sender_name(sender))
        html = layout.format(
            subject=subject,
            paragraphs="".join(f"<p>{p}</p>" for p in paragraphs),
            domain=domain,
            path=("account", "info", "news", "start")[index % 4],
            link=link,
            footer=footer,
        )
        text = "\n\n".join(paragraphs) + f"\n\n{link}: https://{domain}/\n\n{footer}\n"
        html_only = html_only_every and index % html_only_every == 0
        raw = compose_message(
            from_=sender,
            to="reader@mail.test",
            subject=subject,
            text=None if html_only else text,
            html=html,
            date=base + timedelta(days=3 * index, minutes=17 * index),
            message_id=f"<seed-{folder.name}-{index:03d}@{domain}>",
        )
        (folder / f"{index:03d}.eml").write_bytes(raw)


def main() -> None:
    for name in ("en-ham", "en-spam", "ja-ham", "ja-spam"):
        shutil.rmtree(ROOT / name, ignore_errors=True)
    # Both classes get the same layouts and a share of HTML-only messages, so the layout says
    # nothing about the label.
    write(ROOT / "en-ham", "en", EN_HAM, 3)
    write(ROOT / "en-spam", "en", EN_SPAM, 3)
    write(ROOT / "ja-ham", "ja", JA_HAM, 3)
    write(ROOT / "ja-spam", "ja", JA_SPAM, 3)


if __name__ == "__main__":
    main()
